#!/usr/bin/env bash
# The benchmark suite: this runtime against tokio (current_thread), smol
# (LocalExecutor) and a hand-written epoll loop (the floor), side by side.
#
#   bash bench/run.sh            full run (< 25 min): writes bench/RESULTS.md
#   bash bench/run.sh --quick    smoke run (< 3 min): writes bench/results/RESULTS-quick.md
#   bash bench/run.sh --render   re-render bench/RESULTS.md from bench/RESULTS.raw.txt
#
# Server on CPU 0, load on CPU 1 (taskset); peers interleaved run by run;
# every load targets 127.0.0.1 only, is bounded in requests and time, and
# every process started here is ended on exit. See bench/README.md.
set -euo pipefail

MODE=full
case "${1:-}" in
  --quick) MODE=quick ;;
  --render) MODE=render ;;
  "") ;;
  *) echo "usage: bash bench/run.sh [--quick|--render]" >&2; exit 2 ;;
esac

BENCH=$(cd "$(dirname "$0")" && pwd)
cd "$BENCH"
OUT=$BENCH/results
mkdir -p "$OUT"
REL=$BENCH/target/release
KQ=$BENCH/target/kqueue/release
export CARGO_TERM_COLOR=never
T_START=$SECONDS

say() { printf '\n== [%3d s] %s\n' "$((SECONDS - T_START))" "$*"; }
note() { printf '   %s\n' "$*"; }

machine_md() {
  echo "- machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r), $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); rustc: $(rustc --version | cut -d' ' -f2)"
}

if [[ $MODE == render ]]; then
  [[ -f $BENCH/RESULTS.raw.txt ]] || { echo "no bench/RESULTS.raw.txt: run the full suite first" >&2; exit 1; }
  cargo build --release -q --bin report
  { cat "$BENCH/RESULTS.head.md"; "$REL/report" render "$BENCH/RESULTS.raw.txt"
    [[ -f $BENCH/ANALYSIS.md ]] && { echo; cat "$BENCH/ANALYSIS.md"; }; } > "$BENCH/RESULTS.md"
  echo "wrote bench/RESULTS.md"
  exit 0
fi

if [[ $MODE == quick ]]; then
  REPS=1; LOAD_REPS=1; BUILD_REPS=1; WARM=0.2; DUR=0.5; QUIET_MAX=1; QUIET_BUDGET=20
  ECHO_CFGS="64:64 64:1000"; HTTP_CONNS="64"; WRK_CONNS="64"; WRK_DUR=1
  PACED_CFGS="echo:64"; PACED_REPS=1
  SYS_CFGS="echo:64 http:64"; SYS_REQS=10000
  STRACE_CFGS=""; CG_CFGS="echo:64"; CG_REQS=2000
  IDLE_CONNS=1000; CHURN_DUR=0.5; CHURN_METRIC_CONNS=2000
  MICRO_N="spawn:100000 chain:100000 pingpong:100000 yield:1000000 sleep:10000 timeout:100000"
  MICRO_CG=""; BUILD_COST=0; KQUEUE=0
  RAW=$OUT/raw-quick.txt; RESULT_MD=$OUT/RESULTS-quick.md
else
  REPS=3; LOAD_REPS=5; BUILD_REPS=3; WARM=0.5; DUR=2; QUIET_MAX=5; QUIET_BUDGET=150
  ECHO_CFGS="64:1 64:64 64:1000 1024:1 1024:64 1024:1000"; HTTP_CONNS="1 64 1000"; WRK_CONNS="64 1000"; WRK_DUR=2
  PACED_CFGS="echo:64 echo:1000 http:64 http:1000"; PACED_REPS=3
  SYS_CFGS="echo:64 echo:1000 http:64 http:1000"; SYS_REQS=100000
  STRACE_CFGS="echo:64 http:64"; CG_CFGS="echo:64 http:64"; CG_REQS=20000
  IDLE_CONNS=10000; CHURN_DUR=2; CHURN_METRIC_CONNS=20000
  MICRO_N="spawn:1000000 chain:1000000 pingpong:1000000 yield:10000000 sleep:100000 timeout:1000000"
  MICRO_CG="spawn:100000 chain:100000 pingpong:100000 yield:200000 sleep:20000 timeout:100000"
  BUILD_COST=1; KQUEUE=1
  RAW=$OUT/raw.txt; RESULT_MD=$BENCH/RESULTS.md
fi
SERVERS="epoll runtime tokio smol"
# Like-for-like pairs that only this runtime and tokio have (issue 19): the
# same program on each, 64 B requests at C=64. binary:load-mode:name
PAIRS="echo_timeout:echo:echo-timeout-64B-C64 hyper:http:hyper-C64"
PAIR_SERVERS="runtime tokio"
: > "$RAW"

# ---------------------------------------------------------------- cleanup
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do
    kill "$p" 2>/dev/null || true
  done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
  rm -f "$OUT"/perf.ctl "$OUT"/perf.ack
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- tools
say "tools"
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v valgrind >/dev/null || need+=(valgrind)
command -v callgrind_control >/dev/null || need+=(valgrind)
command -v strace >/dev/null || need+=(strace)
command -v perf >/dev/null || need+=(linux-perf)
command -v taskset >/dev/null || need+=(util-linux)
if ((${#need[@]})); then
  note "installing from Debian: ${need[*]}"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; }; then
    note "!! could not install ${need[*]}: the sections that need them are skipped"
  fi
fi
HAVE_WRK=0; command -v wrk >/dev/null && HAVE_WRK=1
HAVE_CG=0; command -v valgrind >/dev/null && command -v callgrind_control >/dev/null && HAVE_CG=1
HAVE_STRACE=0; command -v strace >/dev/null && HAVE_STRACE=1
PERF_OK=0
if command -v perf >/dev/null && perf stat -e 'syscalls:sys_enter_read' -x, -o /dev/null -- true >/dev/null 2>&1; then
  PERF_OK=1
fi
# perf: the exact total (raw_syscalls:sys_enter) plus the named calls a
# server may make. Asking for all ~360 syscalls:sys_enter_* tracepoints makes
# perf take ~15 s to attach; these few take under a second.
PERF_EVENTS=raw_syscalls:sys_enter
if [[ $PERF_OK == 1 ]]; then
  avail=$(perf list 'syscalls:sys_enter_*' 2>/dev/null | grep -oE 'syscalls:sys_enter_[a-z0-9_]+' | sort -u)
  for sc in read write readv writev recvfrom sendto recvmsg sendmsg epoll_wait epoll_pwait epoll_pwait2 epoll_ctl \
            poll ppoll select pselect6 accept accept4 close shutdown setsockopt getsockopt getsockname getpeername \
            socket connect futex timerfd_settime timerfd_create eventfd2 clock_gettime clock_nanosleep nanosleep \
            sched_yield mmap munmap mremap madvise brk mprotect rt_sigprocmask rt_sigaction fcntl ioctl \
            io_uring_enter getrandom statx openat exit_group clone3 restart_syscall; do
    if grep -qx "syscalls:sys_enter_$sc" <<< "$avail"; then PERF_EVENTS+=",syscalls:sys_enter_$sc"; fi
  done
fi
note "wrk=$HAVE_WRK valgrind=$HAVE_CG strace=$HAVE_STRACE perf-tracepoints=$PERF_OK"
[[ $PERF_OK == 1 ]] || note "!! perf syscall tracepoints unavailable: syscalls per request fall back to strace -c -f (slower server, fewer EAGAINs seen)"

# 10,000 idle connections need fds on both sides.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
NOFILE=$(ulimit -n)
if [[ $NOFILE != unlimited ]] && ((NOFILE < IDLE_CONNS + 500)); then
  IDLE_CONNS=$((NOFILE - 500))
  note "RLIMIT_NOFILE is $NOFILE: idle connections lowered to $IDLE_CONNS"
fi
note "RLIMIT_NOFILE=$NOFILE"

# ---------------------------------------------------------------- build
say "build (release)"
t0=$SECONDS
cargo build --release -q
note "built in $((SECONDS - t0)) s"
if [[ $KQUEUE == 1 ]]; then
  t0=$SECONDS
  cargo build --release -q --features kqueue-emulation --bin echo_runtime --target-dir "$BENCH/target/kqueue"
  note "kqueue-emulation variant of echo_runtime built in $((SECONDS - t0)) s"
elif [[ -x $KQ/echo_runtime ]]; then
  KQUEUE=1
  note "kqueue-emulation variant found from an earlier build"
fi

note "server pinned to CPU 0 and load to CPU 1 with taskset; peers interleaved run by run; $LOAD_REPS repetition(s) closed loop, $REPS elsewhere"

# ---------------------------------------------------------------- helpers
# Waits (at most QUIET_MAX s) until the machine is quiet: another process's CPU
# burst would distort the run. Counts the runs that started on a busy machine.
BUSY_RUNS=0
QUIET_SPENT=0
wait_quiet() {
  local start=$SECONDS end=$((SECONDS + QUIET_MAX)) a b c d e f g h i1 t1 i2 t2
  ((QUIET_SPENT < QUIET_BUDGET)) || { BUSY_RUNS=$((BUSY_RUNS + 1)); return 0; }
  while ((SECONDS < end)); do
    read -r _ a b c d e f g h _ < /proc/stat; t1=$((a+b+c+d+e+f+g+h)); i1=$((d+e))
    sleep 0.2
    read -r _ a b c d e f g h _ < /proc/stat; t2=$((a+b+c+d+e+f+g+h)); i2=$((d+e))
    if (( t2 > t1 && (100 * (i2 - i1)) / (t2 - t1) >= 85 )); then QUIET_SPENT=$((QUIET_SPENT + SECONDS - start)); return 0; fi
  done
  QUIET_SPENT=$((QUIET_SPENT + SECONDS - start))
  BUSY_RUNS=$((BUSY_RUNS + 1))
}

SPID=""; SADDR=""
# start_server BINARY [ENV=VALUE...]: runs it on CPU 0; sets SPID and SADDR.
start_server() {
  local bin=$1; shift
  : > "$OUT/server.out" # emptied first: the previous server's address must not be read before the new one truncates it
  env "$@" taskset -c 0 "$bin" 127.0.0.1:0 > "$OUT/server.out" 2> "$OUT/server.err" &
  SPID=$!; PIDS+=("$SPID")
  wait_listening 10
}
# start_server_cg BINARY OUTFILE: the same under callgrind.
start_server_cg() {
  : > "$OUT/server.out"
  taskset -c 0 valgrind --tool=callgrind --callgrind-out-file="$2" "$1" 127.0.0.1:0 > "$OUT/server.out" 2> "$OUT/server.err" &
  SPID=$!; PIDS+=("$SPID")
  wait_listening 60
}
wait_listening() {
  local i
  for ((i = 0; i < $1 * 20; i++)); do
    if SADDR=$(awk 'NR==1 && /^listening on /{print $3}' "$OUT/server.out" 2>/dev/null) && [[ -n $SADDR ]]; then return 0; fi
    kill -0 "$SPID" 2>/dev/null || break
    sleep 0.05
  done
  echo "server did not start:"; cat "$OUT/server.err"; exit 1
}
stop_server() {
  kill "$SPID" 2>/dev/null || true
  wait "$SPID" 2>/dev/null || true
}
rss_kb() { awk -v k="$2:" '$1==k{print $2}' "/proc/$1/status"; }

# load ARGS...: the load generator on CPU 1; prints its result fields.
load() {
  taskset -c 1 "$REL/load" --addr "$SADDR" --pid "$SPID" "$@" | sed -n 's/^result //p'
}
bin_of() { echo "$REL/$1_$2"; }
emit() { echo "$*" >> "$RAW"; }
fields() { sed 's/mode=[^ ]* //'; }

# ---------------------------------------------------------------- micro
say "scheduler and timer microbenchmarks (ns/op)"
for rep in $(seq "$REPS"); do
  for spec in $MICRO_N; do
    b=${spec%%:*}; n=${spec##*:}
    for rt in runtime tokio smol; do
      wait_quiet
      line=$(timeout 120 taskset -c 0 "$REL/micro" "$rt" "$b" "$n")
      emit "sec=micro cfg=$b srv=$rt rep=$rep ${line#micro }"
      note "$line"
    done
  done
done

# ---------------------------------------------------------------- closed loop
say "echo and HTTP, closed loop, our load generator"
cfg_list=()
for c in $ECHO_CFGS; do cfg_list+=("echo:${c%%:*}:${c##*:}"); done
for c in $HTTP_CONNS; do cfg_list+=("http:0:$c"); done
for rep in $(seq "$LOAD_REPS"); do
  for cfg in "${cfg_list[@]}"; do
    IFS=: read -r proto size conns <<< "$cfg"
    if [[ $proto == echo ]]; then
      name="echo-$([[ $size == 1024 ]] && echo 1KiB || echo "${size}B")-C$conns"
    else
      name="http-C$conns"
    fi
    for srv in $SERVERS; do
      wait_quiet
      start_server "$(bin_of "$proto" "$srv")"
      r=$(load --mode "$proto" --size "${size/#0/64}" --conns "$conns" --warmup "$WARM" --duration "$DUR" | fields)
      emit "sec=load cfg=$name srv=$srv rep=$rep $r"
      if [[ $conns == 1000 ]]; then
        emit "sec=mem cfg=peak-$name srv=$srv rep=$rep rss_peak_kb=$(rss_kb "$SPID" VmHWM)"
      fi
      stop_server
      note "$name $srv: $r"
    done
  done
done

# Echo with an idle timeout around every read and write_all, and hyper:
# only this runtime and tokio, in the same sections (sec=load, sec=cg).
for rep in $(seq "$LOAD_REPS"); do
  for pair in $PAIRS; do
    IFS=: read -r bin mode name <<< "$pair"
    for srv in $PAIR_SERVERS; do
      wait_quiet
      start_server "$(bin_of "$bin" "$srv")"
      r=$(load --mode "$mode" --size 64 --conns 64 --warmup "$WARM" --duration "$DUR" | fields)
      emit "sec=load cfg=$name srv=$srv rep=$rep $r"
      stop_server
      note "$name $srv: $r"
    done
  done
done

# Paced rate: half the slowest server's median closed-loop rate, per configuration.
paced_rate() { # proto conns
  local name=$1 key
  [[ $1 == echo ]] && name="echo-64B"
  key="$name-C$2"
  awk -v k="cfg=$key" '$1=="sec=load" && $2==k { for (i=1;i<=NF;i++) if ($i ~ /^rps=/) { split($i,a,"="); print a[2] } }' "$RAW" \
    | sort -n | awk '{v[NR]=$1} END { if (NR==0) print 20000; else { r=int(v[1]*0.5/1000)*1000; if (r<1000) r=1000; print r } }'
}

# ---------------------------------------------------------------- wrk
if [[ $HAVE_WRK == 1 ]]; then
  say "HTTP with wrk -t1 (load on CPU 1)"
  for rep in $(seq "$REPS"); do
    for c in $WRK_CONNS; do
      for srv in $SERVERS; do
        wait_quiet
        start_server "$(bin_of http "$srv")"
        t0=$(awk '{print $14+$15}' "/proc/$SPID/stat")
        w=$(taskset -c 1 wrk -t1 -c"$c" -d"${WRK_DUR}s" --latency "http://$SADDR/")
        t1=$(awk '{print $14+$15}' "/proc/$SPID/stat")
        stop_server
        r=$(awk -v t0="$t0" -v t1="$t1" -v hz="$(getconf CLK_TCK)" -v dur="$WRK_DUR" '
          function us(x) { if (x ~ /us$/) return x+0; if (x ~ /ms$/) return x*1000; if (x ~ /s$/) return x*1e6; return x }
          / requests in / { n=$1 }
          /^Requests\/sec:/ { rps=$2 }
          $1=="50%" { p50=us($2) } $1=="99%" { p99=us($2) }
          /Socket errors/ { err=$0 }
          END { cpu=(t1-t0)/hz; printf "reqs=%d rps=%s p50_us=%.1f p99_us=%.1f srv_us_per_req=%.3f srv_util=%.3f", n, rps, p50, p99, cpu*1e6/(n>0?n:1), cpu/dur }' <<< "$w")
        emit "sec=wrk cfg=http-C$c srv=$srv rep=$rep $r"
        note "wrk http-C$c $srv: $r"
      done
    done
  done
else
  say "wrk: not installed, skipped"
fi

# ---------------------------------------------------------------- paced
say "equal paced load"
for rep in $(seq "$PACED_REPS"); do
  for pc in $PACED_CFGS; do
    proto=${pc%%:*}; conns=${pc##*:}
    rate=$(paced_rate "$proto" "$conns")
    name="$([[ $proto == echo ]] && echo echo-64B || echo http)-C$conns@$rate/s"
    for srv in $SERVERS; do
      wait_quiet
      start_server "$(bin_of "$proto" "$srv")"
      r=$(load --mode "$proto" --size 64 --conns "$conns" --warmup "$WARM" --duration "$DUR" --rate "$rate" | fields)
      stop_server
      emit "sec=paced cfg=$name srv=$srv rep=$rep $r"
      note "$name $srv: $r"
    done
  done
done

# ---------------------------------------------------------------- syscalls
if [[ $PERF_OK == 1 ]]; then
  say "syscalls per request (perf tracepoints, enabled over exactly the measured requests)"
  for sc in $SYS_CFGS; do
    proto=${sc%%:*}; conns=${sc##*:}
    name="$([[ $proto == echo ]] && echo echo-64B || echo http)-C$conns"
    for srv in $SERVERS; do
      start_server "$(bin_of "$proto" "$srv")"
      rm -f "$OUT/perf.ctl" "$OUT/perf.ack"; mkfifo "$OUT/perf.ctl" "$OUT/perf.ack"
      perf stat -e "$PERF_EVENTS" -x, -o "$OUT/perf.txt" -D -1 --control "fifo:$OUT/perf.ctl,$OUT/perf.ack" -p "$SPID" \
        < /dev/null > /dev/null 2>&1 &
      PPID_=$!; PIDS+=("$PPID_")
      r=$(load --mode "$proto" --size 64 --conns "$conns" --warmup "$WARM" --requests "$SYS_REQS" \
            --hook-before "echo enable > $OUT/perf.ctl && read -r _ < $OUT/perf.ack" \
            --hook-after "echo disable > $OUT/perf.ctl && read -r _ < $OUT/perf.ack")
      kill -INT "$PPID_"; wait "$PPID_" 2>/dev/null || true
      stop_server
      n=$(sed -n 's/.*reqs=\([0-9]*\).*/\1/p' <<< "$r")
      s=$("$REL/report" perf "$OUT/perf.txt" "$n")
      emit "sec=sys cfg=$name srv=$srv rep=1 $s"
      note "$name $srv: $s"
    done
  done
fi
if [[ $PERF_OK == 1 ]]; then
  # Churn: syscalls per connection (connect, one 64 B echo, close).
  for srv in $SERVERS; do
    start_server "$(bin_of echo "$srv")"
    rm -f "$OUT/perf.ctl" "$OUT/perf.ack"; mkfifo "$OUT/perf.ctl" "$OUT/perf.ack"
    perf stat -e "$PERF_EVENTS" -x, -o "$OUT/perf.txt" -D -1 --control "fifo:$OUT/perf.ctl,$OUT/perf.ack" -p "$SPID" \
      < /dev/null > /dev/null 2>&1 &
    PPID_=$!; PIDS+=("$PPID_")
    r=$(load --mode churn --size 64 --conns 64 --warmup "$WARM" --requests "$CHURN_METRIC_CONNS" \
          --hook-before "echo enable > $OUT/perf.ctl && read -r _ < $OUT/perf.ack" \
          --hook-after "sleep 0.2; echo disable > $OUT/perf.ctl && read -r _ < $OUT/perf.ack")
    kill -INT "$PPID_"; wait "$PPID_" 2>/dev/null || true
    stop_server
    s=$("$REL/report" perf "$OUT/perf.txt" "$CHURN_METRIC_CONNS")
    emit "sec=sys cfg=churn-per-connection srv=$srv rep=1 $s"
    note "churn $srv (per connection): $s"
  done
fi
if [[ $HAVE_STRACE == 1 && ( -n $STRACE_CFGS || $PERF_OK == 0 ) ]]; then
  say "failed syscalls per request (strace -f -c)"
  cfgs=$STRACE_CFGS; [[ -z $cfgs ]] && cfgs=$SYS_CFGS
  for sc in $cfgs; do
    proto=${sc%%:*}; conns=${sc##*:}
    name="$([[ $proto == echo ]] && echo echo-64B || echo http)-C$conns"
    for srv in $SERVERS; do
      start_server "$(bin_of "$proto" "$srv")"
      r=$(load --mode "$proto" --size 64 --conns "$conns" --warmup "$WARM" --requests 20000 --max-time 60 \
            --hook-before "strace -f -c -o $OUT/strace.txt -p $SPID < /dev/null > /dev/null 2> $OUT/strace.err & echo \$! > $OUT/strace.pid; for i in \$(seq 100); do grep -q attached $OUT/strace.err 2>/dev/null && break; sleep 0.05; done; sleep 0.2" \
            --hook-after "kill -INT \$(cat $OUT/strace.pid); while kill -0 \$(cat $OUT/strace.pid) 2>/dev/null; do sleep 0.05; done")
      stop_server
      n=$(sed -n 's/.*reqs=\([0-9]*\).*/\1/p' <<< "$r")
      s=$("$REL/report" strace "$OUT/strace.txt" "$n")
      if [[ $PERF_OK == 0 ]]; then
        # No tracepoints: strace's call counts stand in for perf's (say so).
        emit "sec=sys cfg=$name-strace srv=$srv rep=1 $(awk '!/^%|^-|total/ && $1+0==$1 { n=(NF>=6)?$6:$5; printf "sc_%s=%.4f ", n, $4/'"$n"' }' "$OUT/strace.txt")"
      fi
      emit "sec=fail cfg=$name srv=$srv rep=1 $s"
      note "$name $srv: $s"
    done
  done
fi

# ---------------------------------------------------------------- callgrind
if [[ $HAVE_CG == 1 && -n $CG_CFGS ]]; then
  say "user-space instructions per request (callgrind; zeroed after warm-up, dumped after exactly $CG_REQS requests)"
  for cc in $CG_CFGS; do
    proto=${cc%%:*}; conns=${cc##*:}
    name="$([[ $proto == echo ]] && echo echo-64B || echo http)-C$conns"
    for srv in $SERVERS; do
      rm -f "$OUT"/cg.out*
      start_server_cg "$(bin_of "$proto" "$srv")" "$OUT/cg.out"
      r=$(load --mode "$proto" --size 64 --conns "$conns" --warmup 1 --requests "$CG_REQS" --max-time 300 \
            --hook-before "callgrind_control -z $SPID > /dev/null" --hook-after "callgrind_control -d $SPID > /dev/null")
      stop_server
      n=$(sed -n 's/.*reqs=\([0-9]*\).*/\1/p' <<< "$r")
      dump=$OUT/cg.out.1 # the dump callgrind_control -d asked for (cg.out itself is written at exit)
      s=$("$REL/report" cg "$dump" "$n" 25 2> "$OUT/profile-$name-$srv.md")
      cp "$dump" "$OUT/callgrind-$name-$srv.out"
      emit "sec=cg cfg=$name srv=$srv rep=1 $s"
      note "$name $srv: $s"
    done
  done
  for pair in $PAIRS; do
    IFS=: read -r bin mode name <<< "$pair"
    for srv in $PAIR_SERVERS; do
      rm -f "$OUT"/cg.out*
      start_server_cg "$(bin_of "$bin" "$srv")" "$OUT/cg.out"
      r=$(load --mode "$mode" --size 64 --conns 64 --warmup 1 --requests "$CG_REQS" --max-time 300 \
            --hook-before "callgrind_control -z $SPID > /dev/null" --hook-after "callgrind_control -d $SPID > /dev/null")
      stop_server
      n=$(sed -n 's/.*reqs=\([0-9]*\).*/\1/p' <<< "$r")
      s=$("$REL/report" cg "$OUT/cg.out.1" "$n" 25 2> "$OUT/profile-$name-$srv.md")
      emit "sec=cg cfg=$name srv=$srv rep=1 $s"
      note "$name $srv: $s"
    done
  done
fi

# ---------------------------------------------------------------- memory
say "RSS per idle connection ($IDLE_CONNS idle connections, each after one 64 B echo)"
for srv in $SERVERS; do
  start_server "$(bin_of echo "$srv")"
  r=$(load --mode idle --size 64 --conns "$IDLE_CONNS" --max-time 120 \
        --hook-before "awk '/^VmRSS:/{print \$2}' /proc/$SPID/status > $OUT/rss0" \
        --hook-after "awk '/^VmRSS:/{print \$2}' /proc/$SPID/status > $OUT/rss1")
  stop_server
  r0=$(cat "$OUT/rss0"); r1=$(cat "$OUT/rss1")
  emit "sec=mem cfg=idle-$IDLE_CONNS srv=$srv rep=1 rss_base_kb=$r0 rss_idle_kb=$r1 rss_per_conn_kb=$(awk -v a="$r0" -v b="$r1" -v n="$IDLE_CONNS" 'BEGIN{printf "%.3f", (b-a)/n}')"
  note "$srv: before $r0 KiB, with $IDLE_CONNS idle $r1 KiB"
done

# ---------------------------------------------------------------- churn
say "connection churn (connect, one 64 B echo, close; 64 at a time)"
for rep in $(seq "$REPS"); do
  for srv in $SERVERS; do
    wait_quiet
    start_server "$(bin_of echo "$srv")"
    r=$(load --mode churn --size 64 --conns 64 --warmup "$WARM" --duration "$CHURN_DUR" | fields)
    stop_server
    emit "sec=churn cfg=echo-64B-C64 srv=$srv rep=$rep $r"
    note "$srv: $r"
  done
done
say "churn on both drivers of our runtime: runtime::metrics() per connection (BENCH_MAX_CONNS=$CHURN_METRIC_CONNS)"
drivers="epoll"; [[ $KQUEUE == 1 ]] && drivers="epoll kqueue"
for drv in $drivers; do
  bin=$REL/echo_runtime; [[ $drv == kqueue ]] && bin=$KQ/echo_runtime
  start_server "$bin" RUNTIME_DRIVER="$drv" BENCH_MAX_CONNS="$CHURN_METRIC_CONNS"
  sc=""
  hook_b=""; hook_a=""
  if [[ $PERF_OK == 1 ]]; then
    rm -f "$OUT/perf.ctl" "$OUT/perf.ack"; mkfifo "$OUT/perf.ctl" "$OUT/perf.ack"
    perf stat -e "$PERF_EVENTS" -x, -o "$OUT/perf.txt" -D -1 --control "fifo:$OUT/perf.ctl,$OUT/perf.ack" -p "$SPID" \
      < /dev/null > /dev/null 2>&1 &
    PPID_=$!; PIDS+=("$PPID_")
    hook_b="echo enable > $OUT/perf.ctl && read -r _ < $OUT/perf.ack"
  fi
  r=$(load --mode churn --size 64 --conns 64 --warmup 0 --requests "$CHURN_METRIC_CONNS" --hook-before "${hook_b:-true}" | fields)
  for _ in $(seq 100); do kill -0 "$SPID" 2>/dev/null || break; sleep 0.05; done
  stop_server
  if [[ $PERF_OK == 1 ]]; then
    wait "$PPID_" 2>/dev/null || true
    sc=$("$REL/report" perf "$OUT/perf.txt" "$CHURN_METRIC_CONNS")
  fi
  m=$(sed -n 's/^metrics //p' "$OUT/server.out")
  if [[ -z $m ]]; then
    note "!! $drv: the server printed no metrics"; continue
  fi
  mm=$(tr -d '{}"' <<< "$m" | tr ',' '\n' | awk -F: -v n="$CHURN_METRIC_CONNS" '
    { v[$1]=$2 }
    END { printf "driver_calls=%.3f wait_calls=%.3f change_calls=%.3f changes=%.3f ticks=%.3f failed_turns=%d",
          (v["wait_syscalls"]+v["change_syscalls"])/n, v["wait_syscalls"]/n, v["change_syscalls"]/n, v["changes"]/n, v["ticks"]/n, v["failed_change_turns"] }')
  emit "sec=churnm cfg=echo-64B-C64 srv=runtime-$drv rep=1 $(sed 's/.*\(rps=[^ ]*\).*/\1/' <<< "$r") $mm $sc"
  note "$drv: $m"
  note "$drv: per connection: $mm $sc"
done

# ---------------------------------------------------------------- micro under callgrind
if [[ $HAVE_CG == 1 && -n $MICRO_CG ]]; then
  say "microbenchmarks under callgrind: (Ir(2n) - Ir(n)) / n"
  for spec in $MICRO_CG; do
    b=${spec%%:*}; n=${spec##*:}
    for rt in runtime tokio smol; do
      ir=()
      for k in "$n" "$((2 * n))"; do
        rm -f "$OUT/cgm.out"
        valgrind --tool=callgrind --callgrind-out-file="$OUT/cgm.out" "$REL/micro" "$rt" "$b" "$k" > /dev/null 2>&1
        ir+=("$(awk '/^totals:/{print $2}' "$OUT/cgm.out")")
      done
      per=$(awk -v a="${ir[0]}" -v b="${ir[1]}" -v n="$n" 'BEGIN{printf "%.1f", (b-a)/n}')
      emit "sec=micro cfg=$b srv=$rt rep=cg ir_per_op=$per"
      note "$b $rt: $per instructions/op"
    done
  done
fi

# ---------------------------------------------------------------- build cost
if [[ $BUILD_COST == 1 ]]; then
  say "build cost: clean cargo build --release of the echo program, fresh target dir each"
  for rt in runtime tokio smol; do (cd "$BENCH/build-cost/$rt" && cargo fetch -q); done
  for rep in $(seq "$BUILD_REPS"); do
    for rt in runtime tokio smol; do
      dir=$BENCH/build-cost/$rt
      tdir=/tmp/bench-build-cost-$rt
      rm -rf "$tdir"
      wait_quiet
      t0=$(date +%s.%N)
      (cd "$dir" && CARGO_TARGET_DIR=$tdir cargo build --release --offline 2> "$OUT/build-$rt.log")
      t1=$(date +%s.%N)
      strip -o "$tdir/stripped" "$tdir/release/echo-$rt"
      crates=$(grep -c '^ *Compiling' "$OUT/build-$rt.log" || true)
      kib=$(awk -v b="$(stat -c %s "$tdir/stripped")" 'BEGIN{printf "%.1f", b/1024}')
      s=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}')
      emit "sec=build cfg=echo srv=$rt rep=$rep build_s=$s size_kib=$kib crates=$crates"
      note "$rt: $s s, $kib KiB stripped, $crates crates compiled"
      rm -rf "$tdir"
    done
  done
fi

# ---------------------------------------------------------------- report
say "report"
CMD="bash bench/run.sh${1:+ $1}"
{
  echo "# Benchmark results$([[ $MODE == quick ]] && echo ' (quick smoke run: 1 repetition, short runs — not for conclusions)')"
  echo
  echo "- command: \`$CMD\` (from the repository root; took $(( (SECONDS - T_START) / 60 )) min $(( (SECONDS - T_START) % 60 )) s)"
  machine_md
  echo "- server pinned to CPU 0, load generator to CPU 1 (taskset); peers interleaved run by run, $LOAD_REPS repetitions of the closed-loop runs and $REPS of the others; cells are median (min–max)"
  echo "- runs that started while another process kept the machine busy (waited up to ${QUIET_MAX} s for quiet, ${QUIET_BUDGET} s in all, then went on): $BUSY_RUNS"
  echo "- tokio $(awk '/^name = "tokio"$/{getline; print $3}' Cargo.lock | tr -d '"'), smol $(awk '/^name = "smol"$/{getline; print $3}' Cargo.lock | tr -d '"'); tokio runs current_thread (\`enable_all\`), smol a LocalExecutor under \`smol::block_on\`"
  echo
} > "$OUT/head.md"
"$REL/report" render "$RAW" > "$OUT/body.md"
cat "$OUT/head.md" "$OUT/body.md" > "$RESULT_MD"
if [[ $MODE == full ]]; then
  cp "$RAW" "$BENCH/RESULTS.raw.txt"
  cp "$OUT/head.md" "$BENCH/RESULTS.head.md"
  mkdir -p "$BENCH/profiles"
  cp "$OUT"/profile-*.md "$BENCH/profiles/" 2>/dev/null || true
  [[ -f $BENCH/ANALYSIS.md ]] && { echo; cat "$BENCH/ANALYSIS.md"; } >> "$RESULT_MD"
fi
cat "$OUT/body.md"
echo
echo "wrote ${RESULT_MD#"$BENCH/"} in $((SECONDS - T_START)) s"
