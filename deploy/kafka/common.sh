# Shared by deploy/kafka/kafka (one node) and deploy/kafka/cluster (three nodes); sourced, not run.
# Expects from the caller: $here (this folder), $libs (the jars), $heap, and say/die functions.

port_open() {  # PORT: something listens on 127.0.0.1:PORT
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pid_running() {  # PIDFILE: the process it names is alive
    [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

new_cluster_id() {
    java -cp "$libs/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1
}

format_storage() {  # CLUSTER_ID PROPERTIES LOG_DIR: format KRaft storage for one node
    java -Dkafka.logs.dir="$3" -Dlog4j2.configurationFile="$here/log4j2.yaml" -cp "$libs/*" \
        kafka.tools.StorageTool format -t "$1" -c "$2" >"$3/format.log" 2>&1 \
        || die "formatting KRaft storage failed; see $3/format.log"
}

launch_broker() {  # PROPERTIES LOG_DIR PIDFILE: start one node in the background
    nohup java -Xms"$heap" -Xmx"$heap" -XX:+UseG1GC -Djava.awt.headless=true \
        -Dkafka.logs.dir="$2" -Dlog4j2.configurationFile="$here/log4j2.yaml" \
        -cp "$libs/*" kafka.Kafka "$1" >"$2/stdout.log" 2>&1 &
    echo $! >"$3"
}

stop_pid() {  # PIDFILE [SIGNAL]: signal the process (TERM), wait up to 30 s, then KILL; 1 if it was killed
    local pid
    pid=$(cat "$1")
    kill -s "${2:-TERM}" "$pid" 2>/dev/null || true
    for _ in $(seq 1 120); do
        kill -0 "$pid" 2>/dev/null || { rm -f "$1"; return 0; }
        sleep 0.25
    done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$1"
    return 1
}

await_port() {  # PORT PIDFILE LOG_DIR WHAT: until the node listens; die if it exits or $timeout passes
    local waited=0
    until port_open "$1"; do
        pid_running "$2" || die "$4 exited during start; see $3/server.log and $3/stdout.log"
        [ "$waited" -ge "$((timeout * 4))" ] && die "$4 did not open port $1 within ${timeout}s; see $3/server.log"
        sleep 0.25
        waited=$((waited + 1))
    done
}
