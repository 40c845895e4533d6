"""Known answers for the engine's kernels from PyTorch (float64 autograd), for KnownAnswerTest.

Run with /usr/bin/python3 (Debian python3-torch 1.13) from this folder; writes *.npy next to this script.
Inputs are float32 (what the Java test feeds its float32 kernels); every output is computed in float64 from those
exact inputs, so the file holds the true answer and the test tolerance only has to cover float32 rounding.
Window ops are channels last in the engine ([images, H, W, C]); PyTorch runs them in NCHW and the results are
permuted back.
"""
import numpy as np
import torch
import torch.nn.functional as F

torch.manual_seed(1234)
rng = np.random.default_rng(1234)


def save(name, array):
    a = array.detach().numpy() if torch.is_tensor(array) else array
    np.save(name + ".npy", np.ascontiguousarray(a))


def f32(shape, scale=1.0, offset=0.0):
    return (rng.standard_normal(shape) * scale + offset).astype(np.float32)


def leaf(a):
    return torch.tensor(a.astype(np.float64), requires_grad=True)


# GELU (exact erf form): values over a wide range, including large |x| where erf saturates.
x = np.concatenate([
    np.linspace(-12, 12, 481, dtype=np.float32),
    np.array([-30, -20, -15, -13.5, -10, -9, -8, -7, -6, -5.5, -1e-3, 1e-3, 5.5, 6, 7, 8, 10, 20, 30, 1e4, -1e4],
             dtype=np.float32),
    f32(300, 3.0),
])
dy = f32(x.shape)
t = leaf(x)
y = F.gelu(t)
y.backward(torch.tensor(dy.astype(np.float64)))
save("gelu_x", x)
save("gelu_dy", dy)
save("gelu_y", y)
save("gelu_dx", t.grad)

# LayerNorm forward and backward, two widths (one with a vector tail), eps 1e-6 and 1e-5.
for name, shape, eps in [("layer_norm_96", (5, 96), 1e-6), ("layer_norm_7", (4, 7), 1e-5)]:
    c = shape[-1]
    x = f32(shape, 2.0, 3.0)
    g = f32(c, 1.0, 1.0)
    b = f32(c)
    dy = f32(shape)
    tx, tg, tb = leaf(x), leaf(g), leaf(b)
    y = F.layer_norm(tx, (c,), tg, tb, eps)
    y.backward(torch.tensor(dy.astype(np.float64)))
    for k, v in dict(x=x, gamma=g, beta=b, dy=dy, y=y, dx=tx.grad, dgamma=tg.grad, dbeta=tb.grad).items():
        save(name + "_" + k, v)
    save(name + "_eps", np.array([eps], dtype=np.float64))

# Softmax backward (and forward) on attention-like rows, with a masked (-inf) score.
for name, shape in [("softmax_9", (4, 9)), ("softmax_78", (3, 78))]:
    x = f32(shape, 3.0)
    x[0, 2] = -np.inf
    dy = f32(shape)
    tx = leaf(x)
    y = F.softmax(tx, dim=-1)
    y.backward(torch.tensor(dy.astype(np.float64)))
    for k, v in dict(x=x, dy=dy, y=y, dx=tx.grad).items():
        save(name + "_" + k, v)

# Depthwise 3x3 conv, padding 1, no bias: forward, dx and dweight, two strides.
for name, (images, h, w, c), stride in [("dwconv_s1", (2, 5, 7, 5), (1, 1)), ("dwconv_s2", (2, 6, 7, 3), (2, 2)),
                                        ("dwconv_s31", (1, 7, 5, 4), (3, 1))]:
    x = f32((images, h, w, c))
    wt = f32((c, 1, 3, 3), 0.5)
    tx, tw = leaf(x), leaf(wt)
    y = F.conv2d(tx.permute(0, 3, 1, 2), tw, stride=stride, padding=1, groups=c).permute(0, 2, 3, 1)
    dy = f32(tuple(y.shape))
    y.backward(torch.tensor(dy.astype(np.float64)))
    for k, v in dict(x=x, weight=wt, dy=dy, y=y, dx=tx.grad, dweight=tw.grad).items():
        save(name + "_" + k, v)
    save(name + "_stride", np.array(stride, dtype=np.float64))

# 3x3 max-pool, padding 1, with many ties (small integers): forward and the routed gradient.
for name, (images, h, w, c), stride in [("maxpool_s2", (2, 5, 6, 3), (2, 2)), ("maxpool_s1", (1, 4, 5, 2), (1, 1))]:
    x = rng.integers(0, 3, size=(images, h, w, c)).astype(np.float32)
    tx = leaf(x)
    y = F.max_pool2d(tx.permute(0, 3, 1, 2), 3, stride=stride, padding=1).permute(0, 2, 3, 1)
    dy = f32(tuple(y.shape))
    y.backward(torch.tensor(dy.astype(np.float64)))
    for k, v in dict(x=x, dy=dy, y=y, dx=tx.grad).items():
        save(name + "_" + k, v)
    save(name + "_stride", np.array(stride, dtype=np.float64))

print("torch", torch.__version__)
