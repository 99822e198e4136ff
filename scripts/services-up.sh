#!/usr/bin/env bash
# Makes sure PostgreSQL, Redis and NATS (with JetStream) answer on loopback, as DESIGN.md §9 says:
# a running service is left alone; a stopped one is started; a missing one is installed from Debian's
# packages when we are root; otherwise we say exactly what is missing and stop.
# With --with-browser it also makes sure of Debian's Chromium (/usr/bin/chromium), which the admin UI's
# end-to-end tests drive (a browser is never downloaded by the tests), by the same rule.
set -euo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
is_root() { [ "$(id -u)" = 0 ]; }
say() { printf '[services] %s\n' "$*"; }

wait_port() {
  local name=$1 port=$2
  for _ in $(seq 1 60); do port_open "$port" && return 0; sleep 0.5; done
  say "$name did not start listening on 127.0.0.1:$port"; return 1
}

apt_updated=0
apt_install() {
  if ! is_root; then
    say "$1 is not installed and we are not root: install the Debian package(s) '$*' and run again"; exit 1
  fi
  if [ "$apt_updated" = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get update -qq; apt_updated=1; fi
  say "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

need_root_to_start() {
  is_root || { say "$1 is installed but not running, and starting it needs root: $2"; exit 1; }
}

postgres_up() {
  port_open 5432 && return 0
  local fresh=0
  if ! command -v pg_ctlcluster >/dev/null || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
    apt_install postgresql; fresh=1
  fi
  local version; version=$(ls /etc/postgresql | sort -V | tail -1)
  need_root_to_start PostgreSQL "pg_ctlcluster --skip-systemctl-redirect $version main start"
  if [ "$fresh" = 1 ]; then
    # The machines' convention: trust on loopback, users root and postgres, a database named test.
    local hba=/etc/postgresql/$version/main/pg_hba.conf
    sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "$hba"
    sed -i -E 's/^(local\s+all\s+all\s+)\S+/\1trust/' "$hba"
  fi
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  wait_port PostgreSQL 5432
  if [ "$fresh" = 1 ]; then
    su postgres -c "psql -qc \"CREATE ROLE root SUPERUSER LOGIN\"" 2>/dev/null || true
    su postgres -c "createdb test" 2>/dev/null || true
  fi
}

redis_up() {
  port_open 6379 && return 0
  command -v redis-server >/dev/null || apt_install redis-server
  need_root_to_start Redis "redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_port Redis 6379
}

nats_up() {
  port_open 4222 && return 0
  [ -x /usr/sbin/nats-server ] || command -v nats-server >/dev/null || apt_install nats-server
  local bin; bin=$(command -v nats-server || echo /usr/sbin/nats-server)
  need_root_to_start NATS "$bin -a 127.0.0.1 -p 4222 -js"
  mkdir -p /var/lib/nats-server
  start-stop-daemon --start --oknodo --background --exec "$bin" -- \
    -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
  wait_port NATS 4222
}

chromium_present() {
  [ -x /usr/bin/chromium ] || apt_install chromium
}

postgres_up
redis_up
nats_up
say "PostgreSQL :5432, Redis :6379 and NATS :4222 are up"
if [ "${1:-}" = "--with-browser" ]; then
  chromium_present
  say "Chromium is at /usr/bin/chromium"
fi
