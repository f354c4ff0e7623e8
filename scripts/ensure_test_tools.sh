#!/usr/bin/env bash
# Installs, from Debian's apt, the client programs the end-to-end tests drive
# (OpenSSH client, tmux, PuTTY tools, Dropbear client, ssh-audit, paramiko,
# asyncssh, fail2ban-regex) when they are missing. Runs before `npm test`; as root it installs
# them, otherwise it names what is missing and the tests that need it fail
# saying the same.
set -euo pipefail

need=()
command -v ssh >/dev/null && command -v ssh-keyscan >/dev/null && command -v sftp >/dev/null || need+=(openssh-client)
command -v tmux >/dev/null || need+=(tmux)
command -v plink >/dev/null && command -v puttygen >/dev/null || need+=(putty-tools)
command -v dbclient >/dev/null && command -v dropbearconvert >/dev/null || need+=(dropbear-bin)
command -v ssh-audit >/dev/null || need+=(ssh-audit)
# fail2ban-regex checks that fail2ban's stock sshd filter reads tsshd's log (its service is not started).
command -v fail2ban-regex >/dev/null || need+=(fail2ban)
# Debian's python3 (not a pyenv one earlier on PATH) runs the paramiko/asyncssh client scripts.
/usr/bin/python3 -c 'import paramiko' 2>/dev/null || need+=(python3-paramiko)
/usr/bin/python3 -c 'import asyncssh' 2>/dev/null || need+=(python3-asyncssh)
# sshpass types passwords for the password/keyboard-interactive tests; curl drives HTTP/SOCKS through forwards.
command -v sshpass >/dev/null || need+=(sshpass)
command -v curl >/dev/null || need+=(curl)
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "tsshd: installing test clients with apt: ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "tsshd: the end-to-end tests need these Debian packages: ${need[*]} (apt-get install them as root)" >&2
fi
