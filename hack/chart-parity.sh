#!/usr/bin/env bash
# chart-parity.sh checks that config/default (kustomize) and the Helm chart
# charts/s3-access-manager deploy the same objects: the same kinds, names and
# namespaces. The chart is rendered as release "s3am" in "s3am-system" with its
# default values and cert-manager on, which is what config/default is. The only
# object kustomize has and the chart does not is the Namespace: Helm installs
# into `--namespace s3am-system --create-namespace`.
#
# Deeper checks (RBAC rules, webhooks, security contexts, images) are Go tests
# in test/chart. Needs bin/helm (`make helm`) and bin/k8s/kubectl
# (`make envtest-assets`); S3AM_HELM and KUBEBUILDER_ASSETS override them.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
helm=${S3AM_HELM:-$root/bin/helm}
kubectl=${KUBEBUILDER_ASSETS:-$root/bin/k8s}/kubectl
for tool in "$helm" "$kubectl"; do
  [ -x "$tool" ] || { echo "chart-parity: $tool is missing: run \`make helm envtest-assets\`" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HELM_CACHE_HOME=$tmp/helm HELM_CONFIG_HOME=$tmp/helm HELM_DATA_HOME=$tmp/helm

"$helm" template s3am "$root/charts/s3-access-manager" --namespace s3am-system \
  --set certManager.enabled=true >"$tmp/chart.yaml"
"$kubectl" kustomize "$root/config/default" >"$tmp/kustomize.yaml"

# objects FILE prints "apiVersion kind namespace/name" per object, sorted. kubectl
# annotate --local parses every document without a cluster.
objects() {
  KUBECONFIG=/dev/null "$kubectl" annotate --local -f "$1" s3am.io/parity=1 \
    -o jsonpath='{.apiVersion} {.kind} {.metadata.namespace}/{.metadata.name}{"\n"}' | LC_ALL=C sort
}
objects "$tmp/chart.yaml" >"$tmp/chart.txt"
objects "$tmp/kustomize.yaml" | grep -v '^v1 Namespace ' >"$tmp/kustomize.txt"

if ! diff -u --label "kustomize config/default" --label "helm template (certManager.enabled=true)" \
  "$tmp/kustomize.txt" "$tmp/chart.txt"; then
  echo "chart-parity: config/default and charts/s3-access-manager deploy different objects (- kustomize only, + chart only)" >&2
  exit 1
fi
echo "chart-parity: $(wc -l <"$tmp/chart.txt") objects, the same in config/default and the chart"
