#!/usr/bin/env bash
# Debian packages the project uses at run time and in its tests. Idempotent; needs root (or sudo) to install.
#   libopenblas0-pthread  OpenBLAS: the cblas_sgemm baseline in benchmarks and reports
#   flac, sox             make test audio (FLAC decoding tests, resampling inputs)
#   maven                 the build
#   fontconfig, fonts-dejavu-core   a font for the training charts (PNG curves and confusion matrices, headless Java2D)
#   gcc, libc6-dev        DnnlBindingsTest compiles a C program against oneDNN's headers (skipped without gcc)
set -euo pipefail
pkgs=(maven libopenblas0-pthread flac sox fontconfig fonts-dejavu-core gcc libc6-dev)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
source "$(dirname "$0")/jdk.sh"
echo "install-deps: JDK $JAVA_HOME"
