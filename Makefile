# cpdaudit: two commands set everything up on a fresh machine:
#   make demo   builds the tool and audits the sample data in fixtures/sample
#   make test   runs every test
GO      ?= go
BIN     := bin/cpdaudit
# The semantic version is in VERSION; the commit and its date are added so a
# build says exactly what it is (the commit's date, not the build's, keeps two
# builds of one commit identical).
VERSION ?= $(shell cat VERSION)
COMMIT  ?= $(shell git rev-parse --short=7 HEAD 2>/dev/null)
EPOCH   ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
DATE    ?= $(shell git log -1 --format=%cs 2>/dev/null)
LDFLAGS := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DATE)
PREFIX  ?= /usr/local
DEMO_OUT ?= demo-out

.PHONY: build install dist demo docs test lint vet fmt-check tidy-check bench eval train lexicon fuzz check clean same-output

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/cpdaudit

# Puts cpdaudit on PATH: $(PREFIX)/bin (default /usr/local/bin; use
# PREFIX=$$HOME/.local for a user install).
install: build
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/cpdaudit

# Archives for Linux, Windows and macOS (amd64 and arm64) with the README,
# the licences and SHA256SUMS, in dist/: for offices without Go.
dist:
	$(GO) run ./internal/dist -out dist -version $(VERSION) -epoch $(EPOCH) -ldflags '$(LDFLAGS)'

demo: build
	./$(BIN) run --year 2025 --register fixtures/sample/register.csv --out $(DEMO_OUT) fixtures/sample/activities
	@echo "Open $(DEMO_OUT)/summary.xlsx and $(DEMO_OUT)/feedback/ to see the results."

# The command-line reference in docs/cli, generated from the command
# definitions; TestCLIReference fails while it is stale.
docs:
	$(GO) test ./cmd/cpdaudit -count=1 -run '^TestCLIReference$$' -update-docs

# third_party/fpdf is a module of its own, so ./... does not reach the
# tests of its patches.
test:
	$(GO) test -race -count=1 ./...
	cd third_party/fpdf && $(GO) test -race -count=1 .

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

# go.mod and go.sum must already be tidy.
tidy-check:
	$(GO) mod tidy
	git diff --exit-code go.mod go.sum

lint: fmt-check vet
	$(GO) tool staticcheck ./...

# Whole-job benchmark at 1,000 and 10,000 members (BENCH_LARGE=1 adds
# 100,000), then the Go benchmarks of each stage.
comma := ,
BENCH_SIZES := 1000,10000$(if $(BENCH_LARGE),$(comma)100000)
BENCH_RUNS ?= 3
BENCH_DATA ?= $(or $(TMPDIR),/tmp)/cpdaudit-bench-data
bench:
	$(GO) run ./fixtures/bench -sizes '$(BENCH_SIZES)' -runs $(BENCH_RUNS)
	$(GO) run ./fixtures/gen -members 10000 -seed 1 -format xlsx -out $(BENCH_DATA)
	$(GO) run ./fixtures/gen -members 1000 -seed 1 -format csv -out $(BENCH_DATA)/csv
	CPDAUDIT_BENCH_XLSX=$(BENCH_DATA)/activities.xlsx CPDAUDIT_BENCH_CSV=$(BENCH_DATA)/csv/activities.csv $(GO) test -run '^$$' -bench . -benchmem ./importer ./audit ./report ./cmd/cpdaudit
	rm -rf $(BENCH_DATA)

# Precision, recall and Cohen's kappa of the reflection judge, the
# four-way label kappa, the confusion matrix and the unclear share on the
# training corpus (trained on), the held-out set and the blind set; then
# the 5-fold cross-validated figures of the training reflections.
eval:
	$(GO) run ./fixtures/reflections/eval -q -cv

# The judge's model (audit/reflection_model.txt), learned from corpus.csv,
# train-a.csv and train-b.csv only; deterministic (fixed seed).
train:
	$(GO) run ./fixtures/reflections/train

# The judge's WordNet word classes (audit/reflection_lexicon.txt); needs
# WordNet 3.0 (Debian: apt-get install wordnet-base). Retrain afterwards.
lexicon:
	$(GO) run ./fixtures/reflections/lexicon

# Fuzz each target (package:Fuzz function) for FUZZTIME (default 60s;
# issue 7 asks 10m each for the importer's). FUZZFLAGS=-parallel=1 keeps
# one core free. Minimising each new input for the default 60 s starves
# the workbook target (a zip input takes thousands of runs to shrink),
# hence 10 s. FUZZ=report:FuzzPDFText runs one. Each runs in its folder,
# so the fpdf copy (a module of its own) is reached too.
FUZZTIME ?= 60s
FUZZFLAGS ?= -fuzzminimizetime=10s
FUZZ ?= importer:FuzzParseHours importer:FuzzParseDate importer:FuzzParseCategory \
	importer:FuzzReadCSV importer:FuzzReadXLSX importer:FuzzCSVStream importer:FuzzMemberID \
	importer:FuzzReadRegister importer:FuzzFastSheet importer:FuzzParseMemo \
	report:FuzzPDFText report:FuzzSheetRowString report:FuzzCleanAlready report:FuzzJSONString report:FuzzCSVLine \
	internal/fastflate:FuzzSameAsStdlib internal/fastflate:FuzzAdler32 internal/fastflate:FuzzSameRuns internal/fastflate:FuzzBitCounts \
	third_party/fpdf:FuzzAppendEscapedUTF16 third_party/fpdf:FuzzAppendf third_party/fpdf:FuzzCellText third_party/fpdf:FuzzSplitText audit:FuzzJudgeFastPaths
fuzz:
	@for pt in $(FUZZ); do \
		p=$${pt%%:*}; t=$${pt#*:}; \
		echo "== ./$$p $$t ($(FUZZTIME))"; \
		(cd $$p && $(GO) test . -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) $(FUZZFLAGS)) || exit 1; \
	done

check: lint tidy-check test

# Proof that a change leaves every output byte-identical: builds BEFORE (a
# commit, default main) and this tree, writes the outputs of both with
# fixtures/sameoutput/run.sh (the demo, every fixture folder, 1,000
# generated members, sample and finalize) and compares them with diff -r.
BEFORE ?= main
SAME_DIR ?= $(or $(TMPDIR),/tmp)/cpdaudit-same-output-$(notdir $(CURDIR))
same-output:
	rm -rf $(SAME_DIR) && mkdir -p $(SAME_DIR)/src
	git archive $(BEFORE) | tar -x -C $(SAME_DIR)/src
	cd $(SAME_DIR)/src && $(GO) build -trimpath -o ../before.bin ./cmd/cpdaudit
	$(GO) build -trimpath -o $(SAME_DIR)/after.bin ./cmd/cpdaudit
	fixtures/sameoutput/run.sh $(SAME_DIR)/before.bin $(SAME_DIR)/before
	fixtures/sameoutput/run.sh $(SAME_DIR)/after.bin $(SAME_DIR)/after
	diff -r $(SAME_DIR)/before $(SAME_DIR)/after && echo "same-output: identical to $(BEFORE)"

clean:
	rm -rf bin dist $(DEMO_OUT)
