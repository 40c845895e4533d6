#!/usr/bin/env bash
# Regenerates the oneDNN/OpenMP bindings (dev.mast.jextract.dnnl) with jextract 22 into a temporary folder and
# diffs them against the committed sources (see jextract/dnnl.md).
#   jextract/regenerate-dnnl.sh [path/to/jextract]          diff only
#   jextract/regenerate-dnnl.sh [path/to/jextract] --apply  also copy the regenerated files over the committed ones
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
jextract=${1:-jextract}
apply=${2:-}
jar=${DNNL_JAR:-$HOME/.m2/repository/org/bytedeco/dnnl/3.13-1.5.14/dnnl-3.13-1.5.14-linux-x86_64.jar}
omp_h=${OMP_H:-$(gcc -print-file-name=include/omp.h)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

unzip -q "$jar" 'org/bytedeco/dnnl/linux-x86_64/include/*' -d "$work/jar"
include="$work/jar/org/bytedeco/dnnl/linux-x86_64/include"
cd "$work"
# The argfiles name --output jextract/src/main/java relative to the repository; generate under $work instead.
mkdir -p jextract/src/main/java
"$jextract" -I "$include" @"$here/jextract/dnnl.args" "$include/oneapi/dnnl/dnnl.h"
"$jextract" @"$here/jextract/omp.args" "$omp_h"

pkg=jextract/src/main/java/dev/mast/jextract/dnnl
status=0
diff -ru "$here/$pkg" "$work/$pkg" || status=$?
if [ "$apply" = "--apply" ]; then
  cp "$work/$pkg"/*.java "$here/$pkg/"
  echo "regenerate-dnnl: copied the regenerated bindings into $pkg"
fi
exit $status
