#!/usr/bin/env bash
# oci-image.sh ROOTFS NAME OUT.tar: an OCI image archive (oci-layout,
# index.json, one uncompressed layer, config, manifest) of the directory
# ROOTFS, tagged NAME, built offline for `ctr images import`.
set -euo pipefail

(($# == 3)) || {
	echo "usage: $0 ROOTFS NAME OUT.tar" >&2
	exit 2
}
rootfs=$1 name=$2 out=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/baton-oci.XXXXXX")
trap 'rm -rf "$work"' EXIT
blobs=$work/blobs/sha256
mkdir -p "$blobs"

# blob FILE: move FILE into blobs/ under its digest, print "DIGEST SIZE".
blob() {
	local sum size
	sum=$(sha256sum "$1" | cut -d' ' -f1)
	size=$(stat -c %s "$1")
	mv "$1" "$blobs/$sum"
	echo "sha256:$sum $size"
}

# Fixed owners and times: the same rootfs gives the same layer digest.
tar -C "$rootfs" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$work/layer" .
read -r layer_digest layer_size < <(blob "$work/layer")

jq -n --arg diff "$layer_digest" '{
	architecture: "amd64", os: "linux",
	config: {Env: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["/bin/sh"]},
	rootfs: {type: "layers", diff_ids: [$diff]}
}' >"$work/config"
read -r config_digest config_size < <(blob "$work/config")

jq -n --arg cd "$config_digest" --argjson cs "$config_size" \
	--arg ld "$layer_digest" --argjson ls "$layer_size" '{
	schemaVersion: 2,
	mediaType: "application/vnd.oci.image.manifest.v1+json",
	config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $cd, size: $cs},
	layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $ld, size: $ls}]
}' >"$work/manifest"
read -r manifest_digest manifest_size < <(blob "$work/manifest")

jq -n --arg md "$manifest_digest" --argjson ms "$manifest_size" --arg name "$name" '{
	schemaVersion: 2,
	manifests: [{
		mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $md, size: $ms,
		platform: {architecture: "amd64", os: "linux"},
		annotations: {"io.containerd.image.name": $name}
	}]
}' >"$work/index.json"
echo '{"imageLayoutVersion": "1.0.0"}' >"$work/oci-layout"

tar -C "$work" -cf "$out" oci-layout index.json blobs
