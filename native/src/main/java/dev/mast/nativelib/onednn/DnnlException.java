package dev.mast.nativelib.onednn;

import static dev.mast.jextract.dnnl.dnnl_h.*;

/** A oneDNN call failed; the message names the call, what it was for, and oneDNN's status. */
public final class DnnlException extends RuntimeException {
    private final int status;

    DnnlException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** oneDNN's {@code dnnl_status_t}. */
    public int status() {
        return status;
    }

    /** Throws when {@code status} is not {@code dnnl_success}. */
    static void check(int status, String call, String what) {
        if (status != dnnl_success()) {
            throw new DnnlException(call + " failed for " + what + ": " + statusName(status), status);
        }
    }

    static String statusName(int status) {
        if (status == dnnl_out_of_memory()) return "out of memory";
        if (status == dnnl_invalid_arguments()) return "invalid arguments";
        if (status == dnnl_unimplemented()) return "no implementation for these shapes and layouts";
        if (status == dnnl_last_impl_reached()) return "last implementation reached";
        if (status == dnnl_runtime_error()) return "runtime error";
        if (status == dnnl_not_required()) return "not required";
        if (status == dnnl_invalid_graph() || status == dnnl_invalid_graph_op() || status == dnnl_invalid_shape()
                || status == dnnl_invalid_data_type()) {
            return "graph error " + status;
        }
        return "status " + status;
    }
}
