# What the bench harnesses share. Source it:   . "$ROOT/bench/lib.sh"   (or . bench/lib.sh from the repository)
# Each section names the harness variables its functions read.

# --- The training harnesses (gpt-vs-pytorch.sh, train-vs-pytorch.sh): ROOT (the repository), OUT (the output
# folder), JAR, JAVA_OPTS and PY.

# COMMIT, unless the caller set it: HEAD's short hash, +dirty if a tracked file the jar is built from has changed.
default_commit() {
    [ -z "${COMMIT:-}" ] || return 0
    COMMIT=$(git -C "$ROOT" rev-parse --short HEAD)
    if [ -n "$(GIT_OPTIONAL_LOCKS=0 git -C "$ROOT" status --porcelain --untracked-files=no -- core nn lm examples)" ]; then COMMIT="$COMMIT+dirty"; fi
}

# OUT gets minitape.jar, a copy of JAR (so a rebuild cannot swap it mid-run), and licenses.txt, the training text:
# every regular file in /usr/share/common-licenses (the GPL, LGPL and GFDL symlinks would repeat their targets),
# sorted by name. DATA names the text.
prepare_out() {
    mkdir -p "$OUT"
    cp "$JAR" "$OUT/minitape.jar"
    find /usr/share/common-licenses -maxdepth 1 -type f -printf '%f\n' | LC_ALL=C sort \
        | sed 's|^|/usr/share/common-licenses/|' | xargs cat > "$OUT/licenses.txt"
    DATA="$OUT/licenses.txt"
}

# The first lines of machine.txt: bench/machine.sh's line (CPU, family, vector extensions: compare only runs whose
# lines are equal), the commit and the date.
machine_header() {
    local machine
    machine=$(PYTHON=$PY "$ROOT/bench/machine.sh")
    echo "$machine"
    echo "commit: $COMMIT"
    echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
}

# The machine.txt line saying how minitape's JVM was started.
jvm_options_line() {
    echo "minitape JVM options: ${JAVA_OPTS:-(none: the plain java -jar, whose launcher runs a child JVM with --add-modules=jdk.incubator.vector -XX:+UseSerialGC -Xmn64m)}${MINITAPE_PLAIN_JVM:+; MINITAPE_PLAIN_JVM=$MINITAPE_PLAIN_JVM}"
}

# --- The timing harnesses (step-vs-pytorch.sh, crossentropy-vs-pytorch.sh), run from the repository: JAR (the
# benchmarks jar) and PYTHON.

# Before the runs: checks that JAR is built, prints bench/machine.sh's line (CPU, family, vector extensions: compare
# only runs whose lines are equal) and keeps it in MACHINE, and makes out, a temporary file (removed on exit) to
# collect the runs' lines in.
begin_timing() {
    [[ -f $JAR ]] || { echo "missing $JAR: mvn -q -B -o -DskipTests install && mvn -q -B -o -DskipTests package -pl bench" >&2; exit 1; }
    MACHINE=$(PYTHON="$PYTHON" bench/machine.sh)
    out=$(mktemp)
    trap 'rm -f "$out"' EXIT
    echo "$MACHINE"
}

# After the runs: the load average, then the machine line again, above the summary table.
end_timing() {
    echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    echo "$MACHINE"
    echo
}
