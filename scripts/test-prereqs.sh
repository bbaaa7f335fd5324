#!/usr/bin/env bash
# Makes sure what the test suite talks to is installed and running: Chromium for the browser
# tests, and the local PostgreSQL, RabbitMQ (with its management API), Mosquitto and NATS
# JetStream that the collector's poller and MQTT tests use. Idempotent; prints what it changes.
set -uo pipefail

say() { printf 'test-prereqs: %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() { for _ in $(seq 1 60); do port_open "$1" && return 0; sleep 0.5; done; return 1; }

if ! command -v chromium >/dev/null && [ ! -x /usr/bin/chromium ]; then
  say "installing Chromium (Debian package) for the browser tests"
  as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
    || say "could not install chromium: browser tests will fail"
fi

if ! command -v pdftoppm >/dev/null; then
  say "installing poppler-utils (pdftoppm) for the report PDF tests"
  as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null \
    || say "could not install poppler-utils: report PDF tests will fail"
fi

if ! port_open 5432 && command -v pg_ctlcluster >/dev/null; then
  say "starting PostgreSQL"; as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
fi
if ! port_open 5672 && command -v rabbitmq-server >/dev/null; then
  say "starting RabbitMQ"; as_root rabbitmq-server -detached; wait_port 5672
fi
if command -v rabbitmq-plugins >/dev/null && ! port_open 15672; then
  say "enabling the RabbitMQ management API"
  as_root rabbitmq-plugins enable --quiet rabbitmq_management >/dev/null && wait_port 15672
fi
if ! port_open 1883 && command -v mosquitto >/dev/null; then
  say "starting Mosquitto"; as_root mosquitto -d -c /etc/mosquitto/mosquitto.conf; wait_port 1883
fi
if ! port_open 4222 && [ -x /usr/sbin/nats-server ]; then
  say "starting NATS JetStream"
  as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
  wait_port 4222
fi
exit 0
