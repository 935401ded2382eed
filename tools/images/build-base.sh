#!/usr/bin/env bash
# Builds the base of the platform-api and worker images from Debian packages, with no Docker
# daemon and no container registry: mmdebstrap makes a Debian root filesystem holding OpenJDK 17's
# headless JRE (as a tar stream, through apt and this machine's Debian sources), and this script
# wraps it as a one-layer docker-save tarball, which Jib takes as `tar://…` (root pom,
# asr3m.image.base). Needs root (mmdebstrap runs the packages' maintainer scripts in a chroot) and
# the Debian package mmdebstrap.
#
#   tools/images/build-base.sh [OUT]      default OUT: target/images/base-jre17.tar
#
# Environment: DEBIAN_SUITE (default: this machine's release codename, else bookworm),
# DEBIAN_SOURCES (a deb822 .sources file; default this machine's apt sources),
# SOURCE_DATE_EPOCH (the image's creation time and the wrapper's file times; default the last
# commit's time).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$repo/target/images/base-jre17.tar}
suite=${DEBIAN_SUITE:-$( (. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}") || true)}
suite=${suite:-bookworm}
sources=${DEBIAN_SOURCES:-/etc/apt/sources.list.d/debian.sources}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$repo" log -1 --format=%ct 2>/dev/null || date +%s)}
# the image's user: owns /var/lib/asr3m (ASR3M_HOME), where the services keep scratch files
uid=1000

die() { echo "build-base: $*" >&2; exit 2; }
# Debian's own tools first: mmdebstrap's helpers run `python3`, which a user-level Python manager
# earlier in PATH would resolve (slowly) once per package
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
command -v mmdebstrap >/dev/null || die "mmdebstrap is missing: apt-get install mmdebstrap"
[ "$(id -u)" = 0 ] || die "run as root (mmdebstrap runs the JRE's maintainer scripts in a chroot)"
mirror=()
if [ -f "$sources" ]; then
  mirror=("$sources")
else
  echo "build-base: $sources not found; mmdebstrap uses its default Debian mirror" >&2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/asr3m-base.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$(dirname "$out")"

# essential: the smallest Debian that still has bash, coreutils and findutils (the compose health
# checks use them); libgomp1 is PyTorch's OpenMP runtime. Documentation is removed afterwards (not
# filtered while unpacking: that runs a filter process per package, many times slower), licences kept.
echo "build-base: Debian $suite + openjdk-17-jre-headless (a few minutes)"
mmdebstrap ${MMDEBSTRAP_OPTIONS:-} --mode=root --variant=essential --format=tar --skip=output/mknod \
  --include=openjdk-17-jre-headless,libgomp1,ca-certificates \
  --customize-hook="echo 'asr3m:x:$uid:$uid:asr3m:/var/lib/asr3m:/usr/sbin/nologin' >> \"\$1/etc/passwd\"" \
  --customize-hook="echo 'asr3m:x:$uid:' >> \"\$1/etc/group\"" \
  --customize-hook="mkdir -p \"\$1/var/lib/asr3m\" && chown $uid:$uid \"\$1/var/lib/asr3m\"" \
  --customize-hook='chroot "$1" java -version' \
  --customize-hook='find "$1/usr/share/doc" -mindepth 2 ! -name copyright ! -type d -delete' \
  --customize-hook='rm -rf "$1/usr/share/man"/* "$1/usr/share/info"/* "$1/usr/share/locale"/*' \
  --customize-hook='rm -rf "$1/var/cache/apt"/*.bin "$1/var/lib/apt/lists"/* "$1/var/log"/*' \
  "$suite" "$work/layer.tar" "${mirror[@]}"

java_home=$(tar -tf "$work/layer.tar" | sed -n 's#^\./\(usr/lib/jvm/java-17-openjdk-[a-z0-9]*\)/bin/java$#/\1#p' | head -1)
[ -n "$java_home" ] || die "no JRE in the root filesystem"

# docker-save layout: manifest.json names the config and the layer; the config's diff_id is the
# SHA-256 of the uncompressed layer tar
diff_id=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
created=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)
mkdir "$work/image" "$work/image/$diff_id"
mv "$work/layer.tar" "$work/image/$diff_id/layer.tar"
cat > "$work/config.json" <<JSON
{"architecture":"amd64","os":"linux","created":"$created",
 "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","LANG=C.UTF-8","JAVA_HOME=$java_home"],
  "User":"$uid:$uid","WorkingDir":"/var/lib/asr3m"},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},
 "history":[{"created":"$created","created_by":"tools/images/build-base.sh: mmdebstrap $suite essential + openjdk-17-jre-headless"}]}
JSON
config_id=$(sha256sum "$work/config.json" | cut -d' ' -f1)
mv "$work/config.json" "$work/image/$config_id.json"
cat > "$work/image/manifest.json" <<JSON
[{"Config":"$config_id.json","RepoTags":["asr3m/base:jre17"],"Layers":["$diff_id/layer.tar"]}]
JSON
# entries named without a leading ./ (Jib refuses a tar entry "./" as outside its destination)
tar --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
  -C "$work/image" -cf "$out.tmp" manifest.json "$config_id.json" "$diff_id"
mv "$out.tmp" "$out"
echo "build-base: $out ($(du -h "$out" | cut -f1), JAVA_HOME $java_home, layer sha256:$diff_id)"
