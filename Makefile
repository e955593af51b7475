# The project's command line. `make run` and `make test` are the README's first two commands.
SHELL := /bin/bash
.DEFAULT_GOAL := help

WEBHOOK_PORT ?= 8443
MANAGEMENT_PORT ?= 9090
CONFIGURATION ?= Release

.PHONY: help run services stop-services pki migrate test bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

run: services pki ## run the service locally with Postgres, Redis, dev PKI and the development policy
	@set -a; . .local/services.env; set +a; \
	export ASPNETCORE_ENVIRONMENT=Development \
	  AuthzWebhook__InstanceName=local \
	  AuthzWebhook__Webhook__Port=$(WEBHOOK_PORT) \
	  AuthzWebhook__Webhook__BindAddress=127.0.0.1 \
	  AuthzWebhook__Webhook__CertificatePath=$(CURDIR)/.local/pki/server.crt \
	  AuthzWebhook__Webhook__KeyPath=$(CURDIR)/.local/pki/server.key \
	  AuthzWebhook__Webhook__ClientCaPath=$(CURDIR)/.local/pki/ca.crt \
	  AuthzWebhook__Webhook__AllowedClientNames__0=kube-apiserver-authz-webhook-client \
	  AuthzWebhook__Management__Port=$(MANAGEMENT_PORT) \
	  AuthzWebhook__Management__BindAddress=127.0.0.1 \
	  AuthzWebhook__Policy__Path=$(CURDIR)/policy/development.yaml; \
	echo "Webhook: https://127.0.0.1:$(WEBHOOK_PORT)/authorize (client certificate: .local/pki/apiserver-client.crt)" >&2; \
	echo "Probes:  http://127.0.0.1:$(MANAGEMENT_PORT)/readyz; decision records are printed on stdout" >&2; \
	dotnet run --project src/AuthzWebhook -c $(CONFIGURATION)

services: ## install (if missing) and start the local Postgres and Redis under .local/
	@scripts/ensure-packages.sh
	@scripts/local-services.sh start

stop-services: ## stop the local Postgres and Redis
	@scripts/local-services.sh stop

pki: ## make the development PKI and the webhook kubeconfig under .local/
	@scripts/ensure-packages.sh
	@WEBHOOK_PORT=$(WEBHOOK_PORT) scripts/dev-pki.sh

migrate: services ## apply sql/ migrations to the local database
	@set -a; . .local/services.env; set +a; \
	dotnet run --project src/AuthzWebhook -c $(CONFIGURATION) -- migrate

test: ## run every test (starts its own throwaway Postgres and Redis)
	@scripts/ensure-packages.sh
	@rm -rf TestResults
	dotnet test AuthzWebhook.sln -c $(CONFIGURATION) --logger "trx;LogFilePrefix=results" --results-directory TestResults

bench: ## run the benchmarks (not part of make test); results in docs/benchmarks.md
	@scripts/ensure-packages.sh
	dotnet run --project tests/AuthzWebhook.Benchmarks -c Release -- $(BENCH_ARGS)

clean: ## remove build output and test results (keeps .local/)
	rm -rf TestResults BenchmarkDotNet.Artifacts
	dotnet clean AuthzWebhook.sln -v quiet
