# s3-access-manager Makefile. `make help` lists the targets.

SHELL := /usr/bin/env bash -o pipefail
.SHELLFLAGS := -ec

BIN        := $(CURDIR)/bin
K8S_ASSETS := $(BIN)/k8s
CONTROLLER_GEN := $(BIN)/controller-gen
CONTROLLER_GEN_VERSION := v0.23.0
MINIO_VERSION := v0.0.0-20260212201848-7aac2a2c5b7c
MC_VERSION    := v0.0.0-20250313080218-cf909e1063a9
HELM_VERSION  := v4.3.1

# Tests find the control plane here; `go test` run by hand falls back to bin/k8s.
export KUBEBUILDER_ASSETS := $(K8S_ASSETS)
export S3AM_MINIO := $(BIN)/minio
export S3AM_MC := $(BIN)/mc
export S3AM_HELM := $(BIN)/helm
export S3AM_CHROMIUM := /usr/bin/chromium

GO_TEST_FLAGS ?= -count=1 -timeout=30m

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*##"} /^[a-zA-Z_-]+:.*##/ { printf "  %-18s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

##@ Build

.PHONY: build
build: ## Build the s3am binary into bin/s3am.
	CGO_ENABLED=0 go build -trimpath -o $(BIN)/s3am ./cmd/s3am

.PHONY: demo
demo: build envtest-assets minio ## Run it locally: control plane, MinIO, operator and the sample grants, on loopback.
	$(BIN)/s3am demo --assets $(K8S_ASSETS) --minio $(BIN)/minio

.PHONY: generate
generate: $(CONTROLLER_GEN) ## Generate deepcopy code.
	$(CONTROLLER_GEN) object:headerFile=hack/boilerplate.go.txt paths=./api/...

.PHONY: manifests
manifests: $(CONTROLLER_GEN) ## Generate CRDs, RBAC and webhook configuration, and their copies in the Helm chart.
	$(CONTROLLER_GEN) rbac:roleName=s3am-operator crd webhook paths=./... \
		output:crd:artifacts:config=config/crd/bases \
		output:rbac:artifacts:config=config/rbac \
		output:webhook:artifacts:config=config/webhook
	go test ./test/chart -run '^TestGeneratedTemplates$$' -count=1 -update >/dev/null

##@ Test

.PHONY: test
test: envtest-assets minio helm chromium postgres build ## Run every test on a real control plane and a real MinIO.
	go vet ./...
	go test $(GO_TEST_FLAGS) ./...

.PHONY: test-short
test-short: ## Run only the tests that need no external server.
	go test -short $(GO_TEST_FLAGS) ./...

.PHONY: bench
bench: ## Run the Go benchmarks of the pure packages.
	go test -run='^$$' -bench=. -benchmem ./internal/...

.PHONY: loadtest
loadtest: build envtest-assets minio postgres wrk ## Load the partner API with wrk beside a bare handler (SQLite, then PostgreSQL audit) and print the table.
	go test ./test/load -run '^$$' -bench '^BenchmarkLoad$$' -benchtime 1x -timeout 30m

.PHONY: fuzz
fuzz: ## Fuzz key validation and matching for a minute each.
	go test -run='^$$' -fuzz=FuzzValidateKey -fuzztime=60s ./internal/keys
	go test -run='^$$' -fuzz=FuzzCovers -fuzztime=60s ./internal/keys

.PHONY: chart-parity
chart-parity: helm envtest-assets ## Fail if config/default and the Helm chart deploy different objects.
	./hack/chart-parity.sh

.PHONY: verify
verify: generate manifests chart-parity ## Fail if generated files are stale, code is unformatted or chart and kustomize differ.
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	@git diff --exit-code -- api config charts || { echo "generated files are stale: run 'make generate manifests' and commit"; exit 1; }
	@test -z "$$(git status --porcelain -- api config charts)" || { echo "untracked generated files:"; git status --porcelain -- api config charts; exit 1; }

##@ Tools

.PHONY: envtest-assets
envtest-assets: ## Build kube-apiserver, etcd and kubectl into bin/k8s (cached).
	./hack/build-k8s.sh

.PHONY: minio
minio: ## Install MinIO and mc into bin/ (test servers only; cached).
	./hack/go-install.sh minio github.com/minio/minio $(MINIO_VERSION)
	./hack/go-install.sh mc github.com/minio/mc $(MC_VERSION)

.PHONY: helm
helm: ## Install helm into bin/ (chart lint and render; cached).
	./hack/go-install.sh helm helm.sh/helm/v4/cmd/helm $(HELM_VERSION)

.PHONY: chromium
chromium: ## Install Debian's chromium for the browser tests (needs root).
	./hack/apt-install.sh $(S3AM_CHROMIUM) chromium fonts-liberation

.PHONY: wrk
wrk: ## Install Debian's wrk, the load generator of `make loadtest` (needs root).
	./hack/apt-install.sh /usr/bin/wrk wrk

.PHONY: postgres
postgres: ## Install Debian's PostgreSQL server for the audit store tests (needs root).
	./hack/apt-install.sh /usr/lib/postgresql postgresql

$(CONTROLLER_GEN): Makefile
	./hack/go-install.sh controller-gen sigs.k8s.io/controller-tools/cmd/controller-gen $(CONTROLLER_GEN_VERSION)
	touch $@
