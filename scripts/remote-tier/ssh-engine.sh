#!/usr/bin/env bash
# The remote engine over ssh://, as the Docker provider reaches it: the provider runs the `ssh` client,
# which runs `docker system dial-stdio` on the engine's host. Here that host is the tier's network
# namespace: Debian's sshd listens on ENGINE_ADDR:22 inside it and accepts one key made by the tier; its
# authorized_keys entry forces the command to dial-stdio on the engine's unix socket. The client side is
# a wrapper `ssh` on PATH that adds the tier's ssh config (that key, a known_hosts with the sshd's host
# key), as a user's ~/.ssh/config would; the stack's own options (StrictHostKeyChecking=yes) still apply.
#
# Sourced by run.sh (uses work, ns, engine_addr, remote_dir). ssh_engine_start starts it and sets
# ssh_bin (the wrapper's directory) and sshd_pid, or returns 1 with ssh_engine_reason set.

ssh_engine_start() {
  local dir="${work}/sshd"
  if [ ! -x /usr/sbin/sshd ]; then
    echo "installing Debian's openssh-server"
    # policy-rc.d keeps the package from starting the system-wide sshd.
    if ! (printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d &&
      timeout 120 apt-get update -qq >"${work}/apt-ssh.log" 2>&1 &&
      DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -qq --no-install-recommends openssh-server >>"${work}/apt-ssh.log" 2>&1); then
      rm -f /usr/sbin/policy-rc.d
      ssh_engine_reason="apt-get install openssh-server failed: $(tail -n 3 "${work}/apt-ssh.log" | tr '\n' ' ')"
      return 1
    fi
    rm -f /usr/sbin/policy-rc.d
  fi
  mkdir -p "${dir}/bin" /run/sshd # /run/sshd: sshd's privilege separation directory
  ssh-keygen -q -t ed25519 -N '' -C pipewatch-remote-tier -f "${dir}/client_key"
  ssh-keygen -q -t ed25519 -N '' -C pipewatch-remote-engine -f "${dir}/host_key"
  echo "command=\"exec docker --host unix://${remote_dir}/docker.sock system dial-stdio\",restrict $(cat "${dir}/client_key.pub")" >"${dir}/authorized_keys"
  cat >"${dir}/sshd_config" <<CONF
ListenAddress ${engine_addr}:22
HostKey ${dir}/host_key
AuthorizedKeysFile ${dir}/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
PidFile ${dir}/sshd.pid
CONF
  echo "${engine_addr} $(cut -d' ' -f1,2 "${dir}/host_key.pub")" >"${dir}/known_hosts"
  cat >"${dir}/config" <<CONF
Host ${engine_addr}
  IdentityFile ${dir}/client_key
  IdentitiesOnly yes
  UserKnownHostsFile ${dir}/known_hosts
  BatchMode yes
CONF
  printf '#!/bin/sh\nexec /usr/bin/ssh -F %s "$@"\n' "${dir}/config" >"${dir}/bin/ssh"
  chmod +x "${dir}/bin/ssh"
  if ! /usr/sbin/sshd -t -f "${dir}/sshd_config" >"${dir}/sshd-t.log" 2>&1; then
    ssh_engine_reason="sshd rejects its configuration: $(tr '\n' ' ' <"${dir}/sshd-t.log")"
    return 1
  fi
  nsenter "--net=/run/netns/${ns}" /usr/sbin/sshd -D -e -f "${dir}/sshd_config" >"${dir}/sshd.log" 2>&1 &
  sshd_pid=$!
  ssh_bin="${dir}/bin"
  local out
  for _ in $(seq 1 30); do
    out="$(env -u DOCKER_TLS_VERIFY -u DOCKER_CERT_PATH PATH="${ssh_bin}:${PATH}" DOCKER_HOST="ssh://root@${engine_addr}" timeout 20 docker version --format '{{.Server.Version}}' 2>&1)" && {
      pass "ssh: Debian's sshd in namespace ${ns}; docker CLI over ssh://root@${engine_addr} reaches engine ${out}"
      return 0
    }
    kill -0 "${sshd_pid}" 2>/dev/null || break
    sleep 1
  done
  ssh_engine_reason="the docker CLI over ssh:// got no answer within 30s: ${out//$'\n'/ }; sshd log: $(tail -n 5 "${dir}/sshd.log" | tr '\n' ' ')"
  return 1
}
