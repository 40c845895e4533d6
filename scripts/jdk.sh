# Sourced by ./build, ./mast and .ci/run: exports JAVA_HOME pointing at a JDK >= 22.
# JAVA_HOME wins when it is new enough; otherwise the newest JDK under the machine's JVM folders.

mast_jdk_major() { # prints the feature version of the JDK at $1, or nothing
  local home=$1 v
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 0
  if [ -f "$home/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")
  fi
  if [ -z "$v" ]; then
    v=$("$home/bin/java" -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p')
  fi
  echo "$v"
}

mast_find_jdk() {
  local want=22 best="" bestv=0 home v
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(mast_jdk_major "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge "$want" ]; then echo "$JAVA_HOME"; return 0; fi
  fi
  for home in /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/jdk* /usr/java/*; do
    [ -d "$home" ] || continue
    v=$(mast_jdk_major "$home")
    if [ -n "$v" ] && [ "$v" -ge "$want" ] && [ "$v" -gt "$bestv" ]; then best=$home; bestv=$v; fi
  done
  [ -n "$best" ] || return 1
  echo "$best"
}

if MAST_JDK=$(mast_find_jdk); then
  export JAVA_HOME="$MAST_JDK"
  export PATH="$JAVA_HOME/bin:$PATH"
else
  echo "mast: no JDK 22 or newer found (JAVA_HOME or /usr/lib/jvm). Install one, e.g. Temurin 25." >&2
  return 1 2>/dev/null || exit 1
fi
