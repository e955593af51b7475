# The project's command line. `make run` and `make test` are the README's first two commands.
SHELL := /bin/bash
.DEFAULT_GOAL := help

WEBHOOK_PORT ?= 8443
MANAGEMENT_PORT ?= 9090
API_PORT ?= 8444
CONFIGURATION ?= Release
# The development token issuer's key: `make run` trusts it, `make dev-token` signs with it (Development only). Its
# discovery document is served on the API listener, so a local kube-apiserver can use it as --oidc-issuer-url.
DEV_ISSUER := ASPNETCORE_ENVIRONMENT=Development \
	AuthzWebhook__DevelopmentIssuer__Enabled=true \
	AuthzWebhook__DevelopmentIssuer__Issuer=https://127.0.0.1:$(API_PORT)/dev-issuer \
	AuthzWebhook__DevelopmentIssuer__SigningKeyPath=$(CURDIR)/.local/dev-issuer/signing-key.pem

# Runs a command of the built service: $(call run-command,NAME ARGS...). GNU make exits 2 whenever a recipe fails, whatever
# the command's own exit code, so a failed command's code is printed last: rbac-audit and verify-log tell 1 (found
# something) from 2 (bad input). Scripts that act on the code run the command itself, as that line shows how.
SERVICE_DLL = src/AuthzWebhook/bin/$(CONFIGURATION)/net10.0/AuthzWebhook.dll
define run-command
dotnet $(SERVICE_DLL) $(1) || { code=$$?; echo "$(firstword $(1)) exited with code $$code (make exits 2 on any failure; for the code itself: dotnet $(SERVICE_DLL) $(firstword $(1)) ...)" >&2; exit $$code; }
endef

.PHONY: help run services stop-services pki migrate dev-token verify-log correlate rbac-audit test e2e test-faults soak \
	bench lint lint-dockerfile lint-compose clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

run: services pki ## run the service locally with Postgres, Redis, dev PKI and the development policy
	@set -a; . .local/services.env; set +a; \
	export $(DEV_ISSUER) \
	  AuthzWebhook__InstanceName=local \
	  AuthzWebhook__Webhook__Port=$(WEBHOOK_PORT) \
	  AuthzWebhook__Webhook__BindAddress=127.0.0.1 \
	  AuthzWebhook__Webhook__CertificatePath=$(CURDIR)/.local/pki/server.crt \
	  AuthzWebhook__Webhook__KeyPath=$(CURDIR)/.local/pki/server.key \
	  AuthzWebhook__Webhook__ClientCaPath=$(CURDIR)/.local/pki/ca.crt \
	  AuthzWebhook__Webhook__AllowedClientNames__0=kube-apiserver-authz-webhook-client \
	  AuthzWebhook__Api__Port=$(API_PORT) \
	  AuthzWebhook__Api__BindAddress=127.0.0.1 \
	  AuthzWebhook__Api__CertificatePath=$(CURDIR)/.local/pki/server.crt \
	  AuthzWebhook__Api__KeyPath=$(CURDIR)/.local/pki/server.key \
	  AuthzWebhook__Management__Port=$(MANAGEMENT_PORT) \
	  AuthzWebhook__Management__BindAddress=127.0.0.1 \
	  AuthzWebhook__DecisionStore__SpoolPath=$(CURDIR)/.local/spool/decisions.spool \
	  AuthzWebhook__Policy__Path=$(CURDIR)/policy/development.yaml; \
	echo "Webhook: https://127.0.0.1:$(WEBHOOK_PORT)/authorize (client certificate: .local/pki/apiserver-client.crt)" >&2; \
	echo "API:     https://127.0.0.1:$(API_PORT)/api/v1 (tokens: make dev-token USER=alice@example.com GROUPS=sre)" >&2; \
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

dev-token: ## print a token the local service accepts: make dev-token USER=alice@example.com GROUPS=sre,oncall [MFA=1]
	@if [ "$(origin USER)" != "command line" ]; then echo "usage: make dev-token USER=alice@example.com GROUPS=sre [MFA=1]" >&2; exit 2; fi
	@dotnet build src/AuthzWebhook -c $(CONFIGURATION) -v quiet -nologo >/dev/null
	@export $(DEV_ISSUER); \
	$(call run-command,dev-token --user "$(USER)" --groups "$(GROUPS)" $(if $(filter 1 true yes,$(MFA)),--mfa))

verify-log: ## check the hash chains of a file of decision records: make verify-log FILE=decisions.jsonl
	@if [ -z "$(FILE)" ]; then echo "usage: make verify-log FILE=<decision records, one JSON line each>" >&2; exit 2; fi
	@dotnet build src/AuthzWebhook -c $(CONFIGURATION) -v quiet -nologo >/dev/null
	@$(call run-command,verify-log "$(abspath $(FILE))")

correlate: ## join an API server audit log with the stored decisions: make correlate AUDIT=audit.log
	@if [ -z "$(AUDIT)" ]; then echo "usage: make correlate AUDIT=<API server audit log, one JSON event per line>" >&2; exit 2; fi
	@$(MAKE) --no-print-directory services
	@dotnet build src/AuthzWebhook -c $(CONFIGURATION) -v quiet -nologo >/dev/null
	@set -a; . .local/services.env; set +a; \
	$(call run-command,correlate "$(abspath $(AUDIT))")

rbac-audit: ## report standing cluster-admin and wildcard RBAC: make rbac-audit INPUT=rbac.json [POLICY_OUT=suggested.yaml] [FORMAT=json]
	@if [ -z "$(INPUT)" ]; then echo "usage: make rbac-audit INPUT=<kubectl get clusterrolebindings,rolebindings,clusterroles,roles -A -o json output; - for stdin> [POLICY_OUT=file] [FORMAT=text|json]" >&2; exit 2; fi
	@dotnet build src/AuthzWebhook -c $(CONFIGURATION) -v quiet -nologo >/dev/null
	@$(call run-command,rbac-audit $(if $(filter -,$(INPUT)),-,"$(abspath $(INPUT))") \
	  $(if $(POLICY_OUT),--policy-out "$(abspath $(POLICY_OUT))") $(if $(FORMAT),--format $(FORMAT)))

test: ## run every test (starts its own throwaway Postgres, Redis, etcd and kube-apiservers)
	@scripts/ensure-packages.sh
	@scripts/ensure-kube-apiserver.sh >/dev/null
	@rm -rf TestResults
	dotnet test AuthzWebhook.sln -c $(CONFIGURATION) --filter "Category!=Soak" --logger "trx;LogFilePrefix=results" --results-directory TestResults
	@if [ -f TestResults/e2e.md ]; then echo; cat TestResults/e2e.md; fi

e2e: ## only the end-to-end suite against real kube-apiservers (built from source on first use, see README) and print its report
	@scripts/ensure-packages.sh
	@scripts/ensure-kube-apiserver.sh >/dev/null
	@mkdir -p TestResults && rm -rf TestResults/e2e TestResults/e2e.md
	dotnet test tests/AuthzWebhook.EndToEndTests -c $(CONFIGURATION) --logger "trx;LogFilePrefix=e2e" --results-directory TestResults
	@echo; cat TestResults/e2e.md

test-faults: ## run only the fault-injection suite and print its table (also part of make test)
	@scripts/ensure-packages.sh
	@mkdir -p TestResults && rm -f TestResults/faults.md
	@AUTHZ_FAULT_REPORT="$(abspath TestResults/faults.md)" dotnet test tests/AuthzWebhook.IntegrationTests -c $(CONFIGURATION) --filter "Category=Faults"
	@echo; cat TestResults/faults.md

soak: ## ten minutes of mixed load with a fault every minute (not in make test); SOAK_MINUTES=10
	@scripts/ensure-packages.sh
	@mkdir -p TestResults && rm -f TestResults/soak.md
	@AUTHZ_SOAK_MINUTES=$(or $(SOAK_MINUTES),10) AUTHZ_SOAK_REPORT="$(abspath TestResults/soak.md)" dotnet test tests/AuthzWebhook.IntegrationTests -c $(CONFIGURATION) --filter "Category=Soak"
	@echo; cat TestResults/soak.md

bench: ## run the benchmarks (not part of make test); results in docs/benchmarks.md
	@scripts/ensure-packages.sh
	dotnet run --project tests/AuthzWebhook.Benchmarks -c Release -- $(BENCH_ARGS)

lint: lint-dockerfile lint-compose ## the checks CI runs besides the tests (the chart's lint and validation are tests)

lint-dockerfile: ## lint docker/Dockerfile with dockerfilelint (tools/package.json, installed on first use)
	@scripts/lint-dockerfile.sh

lint-compose: ## check docker/compose.yaml against the Compose Specification schema, and yamllint docker/*.yaml
	@scripts/lint-compose.sh

clean: ## remove build output and test results (keeps .local/)
	rm -rf TestResults BenchmarkDotNet.Artifacts
	dotnet clean AuthzWebhook.sln -v quiet
