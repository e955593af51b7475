#!/usr/bin/env bash
# Development PKI under .local/pki/ (made once, kept afterwards) and the webhook kubeconfig for the API server:
#   ca.crt/ca.key                         the development CA
#   server.crt/server.key                 the webhook's certificate (localhost, 127.0.0.1)
#   apiserver-client.crt/.key             what kube-apiserver presents to the webhook
#   ../authz-webhook.kubeconfig           ready for the API server's authorization configuration
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
pki="$root/.local/pki"
webhook_port="${WEBHOOK_PORT:-8443}"
mkdir -p "$pki"
umask 077

issue() { # name, subject, extensions
  local name=$1 subject=$2 ext=$3
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$pki/$name.key" 2>/dev/null
  openssl req -new -key "$pki/$name.key" -subj "$subject" -out "$pki/$name.csr" 2>/dev/null
  printf '%b' "$ext" >"$pki/$name.ext"
  openssl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 825 -sha256 -extfile "$pki/$name.ext" -out "$pki/$name.crt" 2>/dev/null
  rm -f "$pki/$name.csr" "$pki/$name.ext"
}

if [ ! -f "$pki/ca.crt" ]; then
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$pki/ca.key" 2>/dev/null
  openssl req -x509 -new -key "$pki/ca.key" -sha256 -days 3650 -subj "/CN=authz-webhook development CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$pki/ca.crt" 2>/dev/null
  rm -f "$pki/server.crt" "$pki/apiserver-client.crt"
fi
if [ ! -f "$pki/server.crt" ]; then
  issue server "/CN=localhost" \
    "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n"
fi
if [ ! -f "$pki/apiserver-client.crt" ]; then
  issue apiserver-client "/CN=kube-apiserver-authz-webhook-client" \
    "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n"
fi
chmod 644 "$pki"/*.crt

cat >"$root/.local/authz-webhook.kubeconfig" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
  - name: authz-webhook
    cluster:
      server: https://127.0.0.1:$webhook_port/authorize
      certificate-authority: $pki/ca.crt
users:
  - name: kube-apiserver
    user:
      client-certificate: $pki/apiserver-client.crt
      client-key: $pki/apiserver-client.key
contexts:
  - name: authz-webhook
    context:
      cluster: authz-webhook
      user: kube-apiserver
current-context: authz-webhook
KUBECONFIG
echo "Development PKI in .local/pki/, webhook kubeconfig in .local/authz-webhook.kubeconfig" >&2
