#!/usr/bin/env bash
# Runs an image tarball's entrypoint without a container engine, to check an image built here:
# unpacks its layers in order into a directory and starts Entrypoint + Cmd (or the arguments given)
# in a chroot as the image's user, with its environment and working directory. Not a sandbox: the
# process shares this host's network; /proc, /dev and /etc/hosts are the host's. Needs root and jq.
#
#   tools/images/run-image.sh worker/target/jib-image.tar --help
#   tools/images/run-image.sh platform-api/target/jib-image.tar token --help
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 IMAGE.tar [ARGS...]" >&2; exit 2; }
image=$(realpath "$1"); shift
die() { echo "run-image: $*" >&2; exit 2; }
[ "$(id -u)" = 0 ] || die "run as root (chroot)"
command -v jq >/dev/null || die "jq is missing: apt-get install jq"

work=$(mktemp -d "${TMPDIR:-/tmp}/asr3m-run.XXXXXX")
# what a container engine provides: /proc, /dev and the host name files
provided=(/proc /dev /etc/hosts /etc/hostname /etc/resolv.conf)
cleanup() {
  for p in "${provided[@]}"; do umount "$work/root$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
tar -C "$work" -xf "$image" manifest.json
config=$(jq -r '.[0].Config' "$work/manifest.json")
tar -C "$work" -xf "$image" "$config"
mkdir "$work/root"
for layer in $(jq -r '.[0].Layers[]' "$work/manifest.json"); do
  # docker-save layers may be plain or gzip-compressed tar
  tar -xOf "$image" "$layer" | tar -C "$work/root" -xzf - 2>/dev/null \
    || tar -xOf "$image" "$layer" | tar -C "$work/root" -xf -
done
mkdir -p "$work/root/proc" "$work/root/dev"
mount -t proc proc "$work/root/proc"
mount --bind /dev "$work/root/dev"
for f in /etc/hosts /etc/hostname /etc/resolv.conf; do
  if [ -f "$f" ]; then
    rm -f "$work/root$f" && touch "$work/root$f" && mount --bind "$f" "$work/root$f"
  fi
done

mapfile -t cmd < <(jq -r '(.config.Entrypoint // []) + (.config.Cmd // []) | .[]' "$work/$config")
if [ $# -gt 0 ]; then
  mapfile -t cmd < <(jq -r '(.config.Entrypoint // []) | .[]' "$work/$config")
  cmd+=("$@")
fi
mapfile -t env < <(jq -r '.config.Env // [] | .[]' "$work/$config")
user=$(jq -r '.config.User // "0:0"' "$work/$config")
dir=$(jq -r '.config.WorkingDir // "/"' "$work/$config")
[ "${#cmd[@]}" -gt 0 ] || die "the image has no entrypoint or command"
mkdir -p "$work/root$dir"
echo "run-image: as $user in $dir: ${cmd[*]}" >&2
set +e
chroot --userspec="$user" "$work/root" /usr/bin/env -i "${env[@]}" /bin/sh -c 'cd "$0" && exec "$@"' "$dir" "${cmd[@]}"
rc=$?
set -e
exit $rc
