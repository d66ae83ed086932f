"""The shipped engineering lexicon validates and knows real layouts; users extend it; broken extensions are reported."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from pathspec import GitIgnoreSpec

from persona_mcp.lexicon import (
    ENV_LEXICON,
    KINDS,
    Lexicon,
    builtin_lexicon,
    builtin_path,
    load_lexicon,
    user_lexicon_path,
)
from persona_mcp.text import stem, words


@pytest.fixture(autouse=True)
def no_lexicon_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_LEXICON, raising=False)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- the shipped file


def test_the_shipped_lexicon_loads_without_a_diagnostic() -> None:
    lexicon, diagnostics = load_lexicon()
    assert diagnostics == []
    assert lexicon == builtin_lexicon()
    assert len(lexicon.entries) >= 300
    assert {entry.kind for entry in lexicon.entries} == set(KINDS)


REQUIRED_DOMAINS = [
    "testing", "performance", "security", "documentation", "ci", "build", "deployment", "infrastructure",
    "containers", "frontend", "styling", "accessibility", "backend", "api", "database", "data-engineering",
    "architecture", "refactoring", "debugging", "observability", "dependencies", "release", "developer-experience",
    "mobile", "machine-learning", "learning",
]


@pytest.mark.parametrize("name", REQUIRED_DOMAINS)
def test_every_kind_of_engineering_work_is_a_domain_with_words(name: str) -> None:
    entry = builtin_lexicon().get(name)
    assert entry is not None and entry.kind == "domain"
    assert entry.terms and len(entry.related) >= 5


def test_entries_point_only_at_domains_and_words_are_clean() -> None:
    lexicon = builtin_lexicon()
    for entry in lexicon.entries:
        for domain in lexicon.domain_of(entry.name):
            assert domain.kind == "domain"
        for word in entry.terms + entry.related:
            assert word == " ".join(word.lower().split()), (entry.name, word)
        assert entry.terms, entry.name


def test_the_shipped_file_lists_no_word_twice_in_an_entry() -> None:
    """The loader reads a word listed twice as once; the file says it once, so that an edit removes it for good."""
    shipped = yaml.safe_load(builtin_path().read_text(encoding="utf-8"))
    for entry in shipped["entries"]:
        listed = [str(word).lower() for field in ("terms", "related") for word in entry.get(field, [])]
        assert len(set(listed)) == len(listed), (entry["name"], sorted(w for w in set(listed) if listed.count(w) > 1))


def test_words_keep_their_meaning_once_punctuation_is_gone() -> None:
    """Tasks are read as words: "@apply" or "-Wall" would be read as the everyday "apply" and "wall"."""
    for entry in builtin_lexicon().entries:
        for phrase in entry.terms + entry.related:
            assert phrase[0] not in "@$/-#!", (entry.name, phrase)
            assert words(phrase), (entry.name, phrase)


def test_every_glob_compiles_as_a_gitignore_pattern() -> None:
    for entry in builtin_lexicon().entries:
        for glob in entry.globs:
            GitIgnoreSpec.from_lines([glob])  # raises on an invalid pattern


# Realistic paths of the main ecosystems, and the entry whose globs must claim them.
SAMPLES = [
    ("go", "cmd/server/main.go"), ("go", "go.mod"), ("go-tests", "internal/cache/lru_test.go"),
    ("backend", "lib/server.js"), ("backend", "src/server.ts"), ("database", "lib/migrate/Migrator.js"),
    ("go-tests", "pkg/parser/testdata/input.txt"), ("go-benchmarks", "pkg/sort/bench_test.go"),
    ("golangci-lint", ".golangci.yml"), ("goreleaser", ".goreleaser.yaml"), ("protobuf", "api/v1/user.proto"),
    ("rust", "src/lib.rs"), ("cargo", "Cargo.toml"), ("cargo", "crates/core/build.rs"),
    ("rust-tests", "tests/integration.rs"), ("rust-tests", "crates/core/tests/api/roundtrip.rs"),
    ("criterion", "benches/throughput.rs"), ("clippy", "clippy.toml"),
    ("python", "src/app/models.py"), ("python", "pyproject.toml"), ("pytest", "tests/conftest.py"),
    ("pytest", "tests/unit/test_parser.py"), ("pytest", "app/parser_test.py"), ("tox-nox", "tox.ini"),
    ("tox-nox", "noxfile.py"), ("python-packaging", "setup.py"), ("django", "mysite/manage.py"),
    ("sqlalchemy", "alembic/versions/3f2a_add_users.py"), ("jupyter", "notebooks/eda.ipynb"),
    ("java", "service/src/main/java/com/acme/App.java"), ("junit", "service/src/test/java/com/acme/AppTest.java"),
    ("junit", "src/test/java/com/acme/OrderServiceITCase.java"), ("maven", "pom.xml"), ("gradle", "build.gradle.kts"),
    ("gradle", "gradlew"), ("gradle", "gradle/libs.versions.toml"), ("kotlin", "app/src/main/kotlin/Main.kt"),
    ("spring", "src/main/resources/application.yml"), ("android-sdk", "app/src/main/AndroidManifest.xml"),
    ("javascript", "src/index.js"), ("typescript", "src/server.ts"), ("typescript", "tsconfig.json"),
    ("npm", "package.json"), ("nodejs", ".nvmrc"), ("react", "src/components/Button.tsx"), ("vue", "src/App.vue"),
    ("svelte", "src/routes/+page.svelte"), ("angular", "src/app/app.component.ts"), ("nextjs", "next.config.mjs"),
    ("vite", "vite.config.ts"), ("webpack", "webpack.config.js"), ("rollup", "rollup.config.mjs"),
    ("esbuild", "esbuild.config.mjs"), ("testing", "src/__tests__/sum.test.js"), ("jest", "jest.config.ts"),
    ("jest", "src/__mocks__/fs.js"),
    ("vitest", "vitest.config.ts"), ("playwright", "playwright.config.ts"), ("e2e-tests", "e2e/login.spec.ts"),
    ("cypress", "cypress/e2e/checkout.cy.ts"), ("storybook", ".storybook/main.ts"),
    ("storybook", "src/components/Button.stories.tsx"), ("eslint", "eslint.config.js"), ("eslint", ".eslintrc.json"),
    ("prettier", ".prettierrc"), ("tailwind", "tailwind.config.js"), ("css", "src/styles/main.css"),
    ("sass", "src/styles/_variables.scss"), ("css-modules", "src/components/Card.module.css"),
    ("terraform", "infra/main.tf"), ("terraform", "envs/prod/terraform.tfvars"), ("terraform", ".terraform.lock.hcl"),
    ("helm", "charts/api/Chart.yaml"), ("helm", "charts/api/templates/deployment.yaml"),
    ("helm", "deploy/values-prod.yaml"), ("kubernetes", "k8s/deployment.yaml"),
    ("kustomize", "overlays/prod/kustomization.yaml"),
    ("docker", "Dockerfile"), ("docker", "services/api/Dockerfile.dev"), ("docker", ".dockerignore"),
    ("docker-compose", "docker-compose.yml"), ("docker-compose", "compose.yaml"), ("ansible", "playbooks/site.yml"),
    ("ansible", "group_vars/all.yml"), ("pulumi", "Pulumi.yaml"),
    ("github-actions", ".github/workflows/ci.yml"), ("github-actions", ".github/actions/setup/action.yml"),
    ("gitlab-ci", ".gitlab-ci.yml"), ("jenkins", "Jenkinsfile"), ("circleci", ".circleci/config.yml"),
    ("dependency-bots", ".github/dependabot.yml"), ("pre-commit", ".pre-commit-config.yaml"),
    ("make", "Makefile"), ("cmake", "CMakeLists.txt"), ("bazel", "BUILD.bazel"), ("bazel", "MODULE.bazel"),
    ("nix", "flake.nix"), ("prometheus", "monitoring/prometheus.yml"), ("grafana", "grafana/dashboards/api.json"),
    ("database-migrations", "db/migrate/20240101_create_users.rb"), ("database-migrations", "migrations/0001_init.sql"),
    ("sql", "queries/report.sql"), ("js-orms", "prisma/schema.prisma"), ("graphql", "schema.graphql"),
    ("openapi", "api/openapi.yaml"), ("rails", "config/routes.rb"), ("rspec", "spec/models/user_spec.rb"),
    ("laravel", "resources/views/welcome.blade.php"), ("php", "src/Controller/HomeController.php"),
    ("elixir", "lib/app/accounts.ex"), ("exunit", "test/app/accounts_test.exs"), ("dotnet", "src/Api/Api.csproj"),
    ("dotnet-testing", "tests/Api.Tests/OrdersTests.cs"), ("swift", "Sources/App/main.swift"),
    ("xcode", "App.xcodeproj/project.pbxproj"), ("flutter", "pubspec.yaml"), ("dart", "lib/main.dart"),
    ("cpp", "src/engine/renderer.cpp"), ("c", "src/util.h"), ("cpp-testing", "test/parser_test.cc"),
    ("markdown", "docs/guide.md"), ("documentation", "docs/index.md"), ("sphinx", "docs/conf.py"),
    ("mkdocs", "mkdocs.yml"), ("release", "CHANGELOG.md"), ("security", "SECURITY.md"),
    ("dotenv", ".env.example"), ("monorepo", "pnpm-workspace.yaml"), ("generated-code", "api/v1/user.pb.go"),
    ("vendored-code", "vendor/github.com/pkg/errors/errors.go"),
    ("snapshot-tests", "src/__snapshots__/App.test.tsx.snap"),
    ("machine-learning", "checkpoints/model.safetensors"), ("performance", "profiles/cpu.pprof"),
    ("debugging", "crash/core.dmp"), ("internationalization", "locales/fr/messages.po"),
    ("testing", "src/test/java/com/acme/AppTest.java"), ("testing", "pkg/api/handler_test.go"),
    ("ci", ".github/workflows/release.yml"), ("containers", "Containerfile"),
    ("infrastructure", "infra/network/vpc.tf"), ("auth-providers", "src/app/api/auth/[...nextauth]/route.ts"),
    ("django", "blog/migrations/0004_auto_20240101_1200.py"), ("django", "blog/apps.py"),
    ("spring", "src/main/resources/application-prod.yaml"), ("dotnet", "src/Api/Properties/launchSettings.json"),
    ("dotnet", "src/Api/Program.cs"), ("nextjs", "src/app/api/users/route.ts"), ("nextjs", "app/dashboard/page.jsx"),
    ("svelte", "src/routes/api/+server.ts"), ("angular", "src/environments/environment.prod.ts"),
    ("kustomize", "deploy/base/Kustomization"), ("helm", "charts/api/values.schema.json"),
    ("ansible", "ansible/playbooks/deploy.yml"), ("rails", "config/initializers/cors.rb"),
    ("laravel", "app/Providers/AppServiceProvider.php"), ("symfony", "config/bundles.php"),
    ("protobuf", "gen/ts/user/v1/user_pb.ts"), ("grpc", "gen/js/user_grpc_pb.js"),
    ("dbt", "snapshots/orders_snapshot.sql"), ("graphql", "src/graphql/resolvers/user.ts"),
    ("ansible", "roles/web/tasks/main.yml"), ("ansible", "inventory/production.ini"),
    ("kustomize", "overlays/prod/replicas-patch.yaml"), ("kubernetes", "manifests/base/deployment.yaml"),
    ("rails", "app/models/user.rb"), ("rails", "app/views/users/index.html.haml"),
    ("go-libraries", "internal/store/mocks/store.go"), ("rust-fuzz", "fuzz/fuzz_targets/parse.rs"),
    ("coverage-tools", "codecov.yml"), ("pip", "requirements/base.txt"), ("python-packaging", ".pypirc"),
    ("api", "src/routes/users.js"), ("api", "routes/api.php"), ("api", "app/routes/orders.py"),
    ("frontend", "jabgui/src/main/java/org/jabref/gui/preferences/PreferencesDialogView.java"),  # a desktop GUI
    ("database", "packages/core/src/dialects/sqlite/data-types.ts"), ("database", "src/query-builder/Select.ts"),
]


@pytest.mark.parametrize(("name", "path"), SAMPLES)
def test_globs_claim_the_real_files_of_their_ecosystem(name: str, path: str) -> None:
    entry = builtin_lexicon().get(name)
    assert entry is not None, name
    assert GitIgnoreSpec.from_lines(entry.globs).match_file(path), f"{name} should match {path}"


@pytest.mark.parametrize(("name", "path"), [
    ("go-tests", "src/main.go"), ("terraform", "docs/terraform.md"), ("helm", "src/helmet.ts"),
    ("docker", "docs/docker.md"), ("github-actions", "src/workflows/run.py"), ("pytest", "src/parser.py"),
    ("storybook", "src/stories.py"), ("rust", "Cargo.lock.md"), ("junit", "src/main/java/com/acme/App.java"),
    # The selector may match paths case-insensitively: no glob may claim these once both are lowercase.
    ("bazel", "frontend/build/index.js"), ("build", "build/output/app.js"), ("bazel", "packages/workspace/index.ts"),
    ("release", "src/history.ts"), ("release", "src/components/NewsletterForm.tsx"),
    ("junit", "src/main/java/com/acme/Edit.java"), ("integration-tests", "src/main/java/com/acme/Audit.java"),
    ("authentication", "src/main/java/com/acme/Author.java"), ("repo-docs", "src/components/Notice.tsx"),
    # A test folder is not pytest's, nor a spec folder rspec's, unless the files in it are Python or Ruby.
    ("pytest", "tests/Api.Tests/OrdersTests.cs"), ("pytest", "tests/Feature/UserTest.php"),
    ("pytest", "tests/e2e/login.spec.ts"), ("rspec", "spec/support/jasmine.json"),
    # Alembic's revisions under a migrations folder are not Django's numbered migrations.
    ("django", "migrations/versions/0a1b2c3d_add_users.py"),
    # Folder names that other code uses too: a chart component, RBAC roles, a shop's inventory, UI overlays,
    # a TypeScript mocks or schemas folder, a Go e2e suite, Laravel or Angular models, Solidity contracts.
    ("helm", "src/components/charts/LineChart.tsx"), ("ansible", "src/roles/admin.ts"),
    ("ansible", "app/inventory/service.py"), ("kustomize", "src/components/overlays/Modal.tsx"),
    ("go-libraries", "src/mocks/handlers.ts"), ("json-schema", "src/schemas/user.ts"),
    ("playwright", "test/e2e/framework_test.go"), ("rails", "app/Models/User.php"), ("rails", "src/app/models/user.ts"),
    ("contract-testing", "contracts/Token.sol"), ("kubernetes", "manifests/init.pp"),
    ("laravel", "src/database/migrations/1700000000000-Init.ts"), ("rust-fuzz", "fuzz/fuzz_parser.c"),
    ("coverage-py", ".codecov.yml"),  # Codecov serves every language
    ("api", "src/routes/+page.svelte"), ("api", "app/routes/_index.tsx"),  # pages, not endpoints
    ("jest", "src/__tests__/sum.test.js"), ("playwright", "e2e/login.spec.ts"),  # every runner reads these
    ("nodejs", "package.json"),  # a browser app's manifest too: it says which packages, not which runtime
    ("backend", "src/components/ServerStatus.vue"),  # a server's name in a UI component is no server code
])
def test_globs_do_not_claim_unrelated_files(name: str, path: str) -> None:
    """A glob claims its own files only, whether matched as written or both lowercased."""
    entry = builtin_lexicon().get(name)
    assert entry is not None
    assert not GitIgnoreSpec.from_lines(entry.globs).match_file(path)
    assert not GitIgnoreSpec.from_lines([glob.lower() for glob in entry.globs]).match_file(path.lower())


# What real bug reports and questions carry (a compiler's or a runtime's own message, an API's name),
# and the entry it says the task is about.
TEXTS = [
    # a process's resident set size, as memory is reported
    ("RSS grows after every deploy", "performance"), ("High RSS on the ingest worker", "performance"),
    # Markdown's flavours by their names
    ("How to link to a named anchor in Multimarkdown?", "markdown"), ("Render the notes with kramdown", "markdown"),
    # a risk asked about
    ("Is it a risk to store the session id in localStorage?", "security"),
    # design patterns by their names
    ("When would you use the Builder Pattern?", "architecture"),
    ("Prefer composition over inheritance?", "architecture"),
    # code smells by their names
    ("How to remove a large if-else-if chain", "refactoring"),
    ("Too many nested ifs in the order handler", "refactoring"),
    ("Should a boolean parameter pick between two behaviours?", "refactoring"),
    ("RuntimeError: Working outside of application context.", "flask"),
    ("select_related does not stop the extra queries on the order list", "django"),
    ("LazyInitializationException: could not initialize proxy - no Session", "jakarta-persistence"),
    ("Type 'string' is not assignable to type 'number'.", "typescript"),
    ("Maximum update depth exceeded when the dialog opens", "react"),
    ("error[E0502]: cannot borrow `v` as mutable because it is also borrowed as immutable", "rust"),
    ("fatal error: concurrent map writes", "go"),
    ("The workers are stuck in ImagePullBackOff since the registry moved", "kubernetes"),
    ("ERROR: duplicate key value violates unique constraint \"users_email_key\"", "postgres"),
    ("NoMethodError: undefined method `name' for nil:NilClass", "ruby"),
    ("main.c:(.text+0x1c): undefined reference to `sqrt'", "c"),
    ("A RenderFlex overflowed by 42 pixels on the right.", "flutter"),
    # A camel-cased name of four parts or more is read as its words, as the lexicon writes it.
    ("getServerSideProps returns stale data after a deploy", "nextjs"),
    ("No qualifying bean of type 'OrderRepository' available", "spring"),
    ("Module not found: Error: Can't resolve './App' in '/app/src'", "webpack"),
    ("exec /usr/local/bin/start.sh: exec format error", "docker"),
    # A tool's or a framework's own short name: Travis (CI), a Vue directive.
    ("Add node 20 to the travis build", "other-ci"),
    ("Handle undefined values in v-html", "vue"),
    # A kind of bug named by its own words, as "race condition" is.
    ("A data race between the sender and the receiver", "debugging"),
    # A compound written with a hyphen, and an adjective of a term.
    ("Micro-services or monolithic, which one should we start with?", "architecture"),
    # How people ask for the work in their own words.
    ("this 800-line function is impossible to read, break it up", "refactoring"),
    ("Customers see timestamps one hour off; track down where the timezone gets lost", "debugging"),
    ("someone could enumerate user ids through the profile URL (IDOR)", "security"),
    ("Add skeleton loaders while the profile data is fetched", "frontend"),
    ("our onboarding guide is outdated, update it", "documentation"),
    ("Fix the apostrophes and the punctuation in proper nouns", "documentation"),
    ("The table header with position sticky scrolls away in Safari", "styling"),
    ("Typing in the editor is laggy", "performance"),
    ("Cache node modules between GHA jobs", "github-actions"), ("the api keeps crashlooping", "kubernetes"),
    ("thenReturn does not intercept call but thenAnswer does", "jvm-test-libraries"),
    ("maximum recursion depth exceeded in comparison", "debugging"),
    ("Should the repository interfaces live in the domain layer?", "architecture"),
    ("Discussion: the tech stack of the queue system", "architecture"),
    ("The listener stays attached on unmount", "frontend"),
    ("run beforeRouteEnter with app context", "client-routing"),
    ("Express 4.4.3 req returns undefined.", "express"), ("app.post - res.body returns undefined", "express"),
    ("compositionend fires twice with a Japanese IME", "frontend"),
    ("RangeError: Maximum call stack size exceeded", "debugging"),
    # an error message's own words, whatever the language
    ("'NoneType' object is not subscriptable", "debugging"),
    ("Object reference not set to an instance of an object", "debugging"),
    ("c.ShouldBindJSON returns EOF on the second read", "go-web-frameworks"),
    ("echo.Bind() Error", "go-web-frameworks"),
    ("Use a binary search to find the insertion point", "performance"),
    ("the export behaves differently in prod, what is going on?", "debugging"),
    ("the worker runs out of memory on big files", "performance"),
    ("this class does too many things and is full of magic numbers", "refactoring"),
    ("we store a hardcoded password in the settings", "security"),
    ("weigh the pros and cons of keeping one repository", "architecture"),
    ("put a reverse proxy with a TLS certificate in front of it", "infrastructure"),
    ("keep an IP allowlist for the admin API", "security"),
    ("I don't understand generics, in simple terms please", "learning"),
    ("the export ran twice and nothing happens on retry", "debugging"),
    ("the app won't start since the upgrade and there is nothing in the logs", "debugging"),
    ("anyone can see other customers' invoices by changing the id in the URL", "security"),
    ("OrderService has grown to 1,800 lines of copy and paste", "refactoring"),
    ("archive extraction lets a zip slip write outside the folder", "security"),
    ("the release hung at pending-upgrade, another operation is in progress", "debugging"),
    ("the player falls through the floor after a reload", "debugging"),
    ("Stop resolving the locale files every request", "performance"),
    ("Add dependency caching to the jobs", "ci"),
    ("Restore cache fails on the macOS runner", "ci"),
    ("Double the read buffer size for uploads", "performance"),
    ("Add guidelines for naming new plugins", "documentation"),
    ("Reduce per-request overhead in the router", "performance"),
    ("Bring the orders tables to third normal form", "database"),
    ("The checkout breaks on mobile web", "frontend"),
    ("Add a hero section to the landing page", "frontend"),
    ("Fix the mobile layout of the settings screen", "styling"),
    ("Vertically center the icon in the button", "styling"),
    ("The importer takes a lot of memory on big files", "performance"),
    ("Add a migration for the orders table", "database"),
    ("Write a migration that creates index invoices_due_idx", "database"),
    ("Why is reading lines from stdin much slower in C++ than Python?", "performance"),
    ("Need to profile the start up process of the app", "performance"),
    ("How do I profile a Python script?", "performance"),
    ("The box keeps running out of swap space", "linux-admin"),
    ("Users get logged out randomly after the last deploy", "authentication"),
    ("Best way to store password in database", "security"),
    ("Add soft delete to the Customer model", "database"),
    ("Scan the images for known vulns", "security"),
    ("Add replay protection to the webhook endpoint", "security"),
    ("The upload step is flakey on the Windows runners", "testing"),
    ("Move the docs site to a static hosting provider", "deployment"),
    ("How to change the cursor into a hand when a user hovers over a list item?", "styling"),
    ("Falsy href handling on MenuItem", "frontend"),
    ("Prevent internal selection and a frozen knob on the slider", "frontend"),
    ("Close the context menu when a radio button is picked", "frontend"),
    ("Stale tabindex caused incorrect focus changes", "accessibility"),
    ("Ignore a second click while the request is pending", "frontend"),
    ("Keep the list where it was when the user scrolls back up", "frontend"),
    ("Users sometimes get signed out a minute after signing in", "debugging"),
    ("The nightly export occasionally writes an empty file", "debugging"),
    ("Make the daemon shut down gracefully", "backend"),
    ("Let in-flight requests finish before the process exits", "backend"),
    ("Copy a file from the host into a running container", "containers"),
    ("The report job is consuming huge amounts of memory on big exports", "performance"),
    ("This constructor takes too many parameters", "refactoring"),
    ("The dispatcher is one huge switch statement", "refactoring"),
]


def entries_read(task: str) -> set[str]:
    """The entries of the shipped lexicon that a task's words are about."""
    from persona_mcp.selection import SelectionIndex, read_request

    index = SelectionIndex([], builtin_lexicon())
    return set(index.domains.read(read_request(task, [], index.one_word_terms)))


@pytest.mark.parametrize(("task", "name"), TEXTS)
def test_error_texts_and_api_names_reach_their_entry(task: str, name: str) -> None:
    assert name in entries_read(task)


OTHER_SENSES = [
    # the secrets a workflow reads are its settings, not a leak
    ("How to add github secrets to env variables", "security"),
    # a status only Kubernetes gives a pod is its name, not a crash to debug
    ("Pods stuck in CrashLoopBackOff", "debugging"),
    ("webpack-dev-server proxy does not work", "backend"),  # a bundler's server for development
    # a layer of an application's design is no server's
    ("Which code belongs in the infrastructure layer?", "infrastructure"),
    # "per request" says how a thing is scoped as often as what it costs
    ("Send custom per-request cookies even if the session jar is empty", "performance"),
    ("Open a session per request", "performance"),
    # to normalize is to make regular, of anything; normal forms are the database's
    ("Normalized label line-height and spacing within the panel", "database"),
    ("Normalize the paths before comparing them", "database"),
    # a compiler's transforms are no data pipeline's, a CI matrix no scientist's, a bounce no email's
    ("Flush transform onExit in reverse", "data-engineering"),
    ("Add Node 20 to the test matrix", "scientific-computing"),
    ("Add a bounce animation to the cart icon", "email"),
    ("Mark the toast container as an aria-live region", "cloud"),
    # MockK is a Kotlin library, whose name must not take every mock
    ("Mock the fetch call in the Jest test", "jvm-test-libraries"),
    # a JWT is a token too
    ("JWT token stored in localStorage, is that safe?", "llm"),
    # things swapped are not memory swapped out
    ("Put a Repository interface in front of the gorm calls so storage can be swapped later", "linux-admin"),
    # Terraform manages state too
    ("Terraform state management with remote backends and locking", "frontend"),
    # a request replayed for idempotency is no replay attack; a .NET hosted service is no hosting
    ("keep the keys in redis and return the stored response on replay", "security"),
    ("We inject the DbContext into a hosted service that runs every 30s", "deployment"),
    # GraphQL's resolvers and federation are not every resolver or federation, nor a SaaS workspace a monorepo's
    ("Prepare a parallel resolver for the module graph", "graphql"),
    ("Use OIDC federation instead of long-lived keys in the pipeline", "graphql"),
    ("Wrap the PyTorch dataloader in a prefetching iterator", "graphql"),
    ("Add a mutation for archiving a workspace", "monorepo"),
    # a user logged out is no line written to a log
    ("Users get logged out randomly after the last deploy", "observability"),
    # asyncio gathers coroutines, and everyone else requirements and feedback
    ("Gathering requirements from the product team before the sprint", "asyncio"),
    # one sense per text: the injections of a text about dependency injection are dependencies injected
    ("How many injections is acceptable in one class when using dependency injection", "security"),
    # ... and a fixture injected into a test by name is pytest's
    ("Is there any known workaround for direct fixture injection in unittest test cases?", "security"),
]


@pytest.mark.parametrize(("task", "name"), OTHER_SENSES)
def test_words_of_everyday_senses_name_no_entry(task: str, name: str) -> None:
    assert name not in entries_read(task)


@pytest.mark.parametrize("path", ["x/y.zzz", "a/b/c/file.zzz", "foo/q/index.zzz", "Q/R.ZZZ"])
def test_no_glob_claims_any_file_of_an_unknown_kind(path: str) -> None:
    for entry in builtin_lexicon().entries:
        spec = GitIgnoreSpec.from_lines([glob.lower() for glob in entry.globs])
        assert not spec.match_file(path.lower()), entry.name


AMBIGUOUS = ["table", "form", "model", "document", "service", "client", "build", "node", "page", "view", "component",
             "query", "format", "style", "container", "server", "schema", "release it", "go", "make", "express",
             "state", "store", "test suite it"]


def test_ambiguous_words_are_never_a_whole_term() -> None:
    """Words that mean different things in different fields appear in terms only inside a phrase.

    (Their stems may still meet a term's: "document" and the term "documentation" share one, which is
    the selector's business; what matters here is that no entry claims the bare word.)
    """
    terms = {term for entry in builtin_lexicon().entries for term in entry.terms}
    for word in AMBIGUOUS:
        if len(words(word)) == 1:
            assert word not in terms and word + "s" not in terms, word


# Everyday words of code and of English that one technology also uses for one of its concepts (MSW's handlers,
# Kustomize's bases, GitLab CI's rules, RSpec's describe and context, Symfony's bundles, Node's require, ROS's topics,
# SAML's assertions, Tokio's spawn, Pydantic's validators, Apple's Combine, Electron's IPC, TanStack's mutations,
# Qt's widgets, Flutter's providers, Kustomize's overlays ...).
EVERYDAY_WORDS = ["handler", "base", "rule", "label", "router", "scope", "subscription", "operator", "collection",
                  "environment", "match", "loader", "fragment", "figure", "series", "selector", "completion", "verify",
                  "pin", "context", "describe", "factory", "bundle", "controller", "modifier", "preview", "scheme",
                  "upstream", "override", "counter", "encode", "decode", "codec", "grid", "extra", "optional",
                  "marker", "network", "annotation", "style", "repository", "register", "future", "aggregation",
                  "require", "token", "prompt", "scale", "replica", "entity", "extension", "patch", "binding", "mock",
                  "prototype", "await", "transition", "serialize", "serialization", "theme", "snapshot",
                  "cancellation", "slot", "resolver", "federation", "introspection", "workspace", "gather", "topic",
                  "assertion", "spawn", "validator", "combine", "ipc", "mutation", "widget", "provider", "permission",
                  "gzip", "reactive", "mixin", "overlay", "artifact", "bootstrap", "executor", "timeout", "retries",
                  "deliver", "supply", "gym", "lane", "exchange", "scene", "camera", "mesh", "chart", "axis",
                  "tooltip", "atom", "bridge", "chunk", "procedure", "reconnect", "nav", "optimizer", "tokenizer",
                  "trainer", "checksum", "edition", "extractor", "deserialize", "corpus", "sanitizer", "actor",
                  "plug", "doctest", "activity", "intent", "remember", "signing", "provisioning", "ttl", "analyzer",
                  "shard", "changelog", "baseline", "volumes", "reconciliation", "recipe", "cookbook", "pillar",
                  "stages", "exporter", "span", "collector", "baggage", "sampler", "monitors", "claims", "tenant",
                  "realm", "violations", "stubs", "scenario", "experiment", "sketch", "abi", "timeline", "projection",
                  "mailbox", "singleton", "replication", "bottle", "resize", "webhook", "challenge", "macro", "pivot",
                  "allocator", "watcher", "navbar", "depends", "blueprint", "broadcasting", "axes", "failsafe",
                  "shuffle", "partitioning", "watermark", "csr", "breadcrumbs"]


def test_no_technology_is_named_or_signalled_by_an_everyday_word_alone() -> None:
    """A technology, tool, language or layout has everyday words only inside a phrase ("webpack loader"): alone
    (in any form: "required", "based", "styled") they would make every task that uses them about it."""
    everyday = {stem(word) for word in EVERYDAY_WORDS}
    for entry in builtin_lexicon().entries:
        if entry.kind != "domain":
            for phrase in (*entry.terms, *entry.related):
                found = words(phrase)
                assert not (len(found) == 1 and stem(found[0]) in everyday), (entry.name, phrase)


def test_domain_of_gives_an_entry_its_domains_and_a_domain_itself() -> None:
    lexicon = builtin_lexicon()
    assert [d.name for d in lexicon.domain_of("terraform")] == ["infrastructure"]
    assert [d.name for d in lexicon.domain_of("accessibility")] == ["accessibility", "frontend"]
    assert [d.name for d in lexicon.domain_of("testing")] == ["testing"]
    assert lexicon.domain_of("no-such-entry") == ()
    assert lexicon.get("no-such-entry") is None


def test_builtin_lexicon_is_parsed_once() -> None:
    assert builtin_lexicon() is builtin_lexicon()


# ---------------------------------------------------------------- extensions


def test_the_user_file_adds_entries_and_extends_existing_ones(empty_user_config: Path) -> None:
    user = user_lexicon_path()
    assert user == empty_user_config / "persona-mcp" / "lexicon.yaml"
    write(user, """\
version: 1
entries:
  - name: terraform          # an existing entry: its lists grow, its kind stays
    terms: [Terraform Cloud]
    globs: ["live/**/*.hcl"]
  - name: refactoring        # an existing domain: one more verb that opens its kind of work
    verbs: [hoist]
  - name: debugging          # ... and one more word that names it in a persona's name
    titles: [glitch]
  - name: acme-deployer      # a new entry
    kind: tool
    terms: [acme deployer, "acmectl"]
    related: [acme rollout]
    globs: [.acme/]
    domains: [deployment, infrastructure]
""")
    lexicon, diagnostics = load_lexicon()
    assert diagnostics == []
    terraform = lexicon.get("terraform")
    assert terraform is not None and terraform.kind == "tool"
    assert "terraform cloud" in terraform.terms and "terraform" in terraform.terms
    assert terraform.globs[-1] == "live/**/*.hcl" and "*.tf" in terraform.globs
    added = lexicon.get("acme-deployer")
    assert added is not None and added.terms == ("acme deployer", "acmectl")
    assert [d.name for d in lexicon.domain_of("acme-deployer")] == ["deployment", "infrastructure"]
    refactoring = lexicon.get("refactoring")
    assert refactoring is not None and refactoring.verbs[-1] == "hoist" and "extract" in refactoring.verbs
    debugging = lexicon.get("debugging")
    assert debugging is not None and debugging.titles[-1] == "glitch" and "bug" in debugging.titles
    assert len(lexicon.entries) == len(builtin_lexicon().entries) + 1
    assert builtin_lexicon().get("terraform") != terraform  # the shipped lexicon is never changed


def test_files_named_in_the_environment_apply_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = write(tmp_path / "a.yaml", "version: 1\nentries:\n  - {name: team-x, kind: domain, terms: [team x work]}\n")
    second = write(tmp_path / "b.yaml", "version: 1\nentries:\n  - {name: team-x, related: [x widgets]}\n")
    monkeypatch.setenv(ENV_LEXICON, os.pathsep.join([str(first), "", str(second)]))
    lexicon, diagnostics = load_lexicon()
    assert diagnostics == []
    entry = lexicon.get("team-x")
    assert entry is not None and entry.related == ("x widgets",)


def test_explicit_files_replace_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_LEXICON, str(tmp_path / "missing.yaml"))
    given = write(tmp_path / "given.yaml", "version: 1\nentries: []\n")
    lexicon, diagnostics = load_lexicon([given])
    assert diagnostics == [] and lexicon == builtin_lexicon()


def test_a_broken_file_is_skipped_and_the_next_one_still_applies(tmp_path: Path) -> None:
    broken = write(tmp_path / "broken.yaml", "version: 1\nentries:\n  - {name: one, kind: tool, terms: [one tool],"
                   " domains: [nowhere]}\n")
    good = write(tmp_path / "good.yaml", "version: 1\nentries:\n  - {name: two, kind: tool, terms: [two tool]}\n")
    lexicon, diagnostics = load_lexicon([broken, good])
    assert [d.path for d in diagnostics] == [str(broken)]
    assert lexicon.get("one") is None and lexicon.get("two") is not None


# ---------------------------------------------------------------- diagnostics


def problems(tmp_path: Path, text: str) -> list[str]:
    path = write(tmp_path / "lexicon.yaml", text)
    lexicon, diagnostics = load_lexicon([path])
    assert lexicon == builtin_lexicon(), "a broken file must be skipped as a whole"
    assert diagnostics and all(d.severity == "error" and d.path == str(path) for d in diagnostics)
    return [str(d) for d in diagnostics]


ENTRY = "version: 1\nentries:\n  - name: widget\n"


@pytest.mark.parametrize(("body", "expected"), [
    ("    kind: gadget\n    terms: [widget tool]\n",
     ":4: error: field 'entries[0].kind': entry 'widget': kind must be"),
    ("    kind: tool\n    terms: [widget tool]\n    domains: [nowhere]\n",
     ":6: error: field 'entries[0].domains': entry 'widget': domain 'nowhere' is not an entry"),
    ("    kind: tool\n    terms: [widget tool]\n    domains: [terraform]\n",
     "entry 'widget': domain 'terraform' is a tool, not a domain"),
    ("    kind: tool\n    terms: [widget tool]\n    globs: ['#comment']\n",
     ":6: error: field 'entries[0].globs[0]': entry 'widget': bad glob '#comment'"),
    ("    kind: tool\n    terms: [widget tool]\n    globs: ['*a*a*a*a*b']\n",
     "more than 3 wildcards in one path segment"),
    ("    kind: tool\n", ":3: error: field 'entries[0].terms': entry 'widget' has no terms"),
    ("    kind: tool\n    terms: []\n", "entry 'widget' has no terms"),
    ("    kind: tool\n    terms: [Terraforms]\n",
     "field 'entries[0].terms': entry 'widget': the term 'terraforms' already names entry 'terraform'"),
    ("    terms: [widget tool]\n", "entry 'widget' has no kind"),
    ("    kind: domain\n    terms: [widget tool]\n", "entry 'widget' is a", ),
    ("    kind: tool\n    terms: [widget tool]\n    colour: blue\n",
     ":6: error: field 'entries[0].colour': entry 'widget': unknown field 'colour'"),
    ("    kind: tool\n    terms: ['   ']\n", "an empty word or phrase"),
    ("    kind: tool\n    terms: ['#']\n", "the term '#' has no letters or digits"),
    ("    kind: tool\n    terms: [widget tool]\n    verbs: [clean up]\n",
     ":6: error: field 'entries[0].verbs': entry 'widget': Value error, 'clean up' is not one word"),
])
def test_each_problem_names_the_entry_and_field(tmp_path: Path, body: str, expected: str) -> None:
    text = ENTRY + body
    if "kind: domain" in body:  # an existing entry's kind cannot change
        text = text.replace("name: widget", "name: terraform")
        expected = "entry 'terraform' is a tool already, not a domain"
    assert any(expected in line for line in problems(tmp_path, text)), problems(tmp_path, text)


def test_two_entries_of_one_file_cannot_share_a_name_or_a_term(tmp_path: Path) -> None:
    found = problems(tmp_path, """\
version: 1
entries:
  - {name: widget, kind: tool, terms: [widget tool]}
  - {name: widget, kind: tool, terms: [other words]}
  - {name: gadget, kind: tool, terms: [widget tools]}
""")
    assert any(":4: error: field 'entries[1].name': entry 'widget' appears twice" in line for line in found)
    assert any("entry 'gadget': the term 'widget tools' already names entry 'widget'" in line for line in found)


@pytest.mark.parametrize(("text", "expected"), [
    ("version: 1\nentries:\n  - name: [unclosed\n", "invalid YAML"),
    ("just text\n", "Input should be a valid dictionary"),
    ("entries: []\n", "field 'version': required field is missing"),
    ("version: 2\nentries: []\n", "field 'version'"),
    ("version: 1\nbase: &b {name: w, kind: tool, terms: [w w]}\nentries: [*b]\n", "anchors and aliases"),
    ("version: 1\nentries:\n  - name: Bad Name\n    kind: tool\n    terms: [x y]\n", "field 'entries[0].name'"),
])
def test_malformed_files_are_reported(tmp_path: Path, text: str, expected: str) -> None:
    assert any(expected in line for line in problems(tmp_path, text))


def test_an_unclosed_quote_in_a_lexicon_file_is_reported_at_its_line(tmp_path: Path) -> None:
    found = problems(tmp_path, 'version: 1\nentries:\n  - name: "widget\n    kind: tool\n    terms: [widget]\n')
    assert any(':3: error: invalid YAML: the quote opened on line 3 is never closed' in line for line in found), found


def test_unreadable_files_are_reported(tmp_path: Path) -> None:
    lexicon, diagnostics = load_lexicon([tmp_path / "missing.yaml", tmp_path])
    assert lexicon == builtin_lexicon()
    assert "cannot read the file" in str(diagnostics[0]) and "not a regular file" in str(diagnostics[1])
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes(b"version: 1\nentries: [\xe9]\n")
    assert "not valid UTF-8: byte 0xe9 at offset 21" in str(load_lexicon([bad])[1][0])


def test_numbers_in_word_lists_are_read_as_words(tmp_path: Path) -> None:
    path = write(tmp_path / "l.yaml", "version: 1\nentries:\n"
                 "  - {name: http-errors, kind: tool, terms: [http 404 page], related: [404, 2.5]}\n")
    lexicon, diagnostics = load_lexicon([path])
    assert diagnostics == []
    entry = lexicon.get("http-errors")
    assert entry is not None and entry.related == ("404", "2.5")


def test_an_empty_lexicon_can_be_built_and_queried() -> None:
    empty = Lexicon(())
    assert empty.get("testing") is None and empty.domain_of("testing") == () and empty.of_kind("domain") == ()


def test_the_readme_example_is_a_valid_extension(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The engineering lexicon", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    lexicon, diagnostics = load_lexicon([write(tmp_path / "lexicon.yaml", example)])
    assert diagnostics == []
    assert lexicon.get("acme-deploy") is not None
    terraform = lexicon.get("terraform")
    assert terraform is not None and "terraform cloud" in terraform.terms


# ---------------------------------------------------------------- stems: unrelated words must not meet

_SUFFIXES = ("s", "es", "ed", "d", "ing", "ly", "ily", "ies", "ied", "ion", "ions", "ation", "ations", "ment", "ments")


def _bases(word: str) -> set[str]:
    """What a word may be a regular inflection of: itself less a suffix, with a dropped "e" or a doubled letter."""
    word = word.replace("isation", "ization").replace("ise", "ize")  # British spellings
    found = {word}
    for _ in range(2):  # "settings" -> "setting" -> "set"
        for part in list(found):
            for suffix in _SUFFIXES:
                if part.endswith(suffix) and len(part) - len(suffix) >= 3:
                    base = part[: -len(suffix)]
                    found |= {base, base + "e", base + "y"}
                    if len(base) > 3 and base[-1] == base[-2]:
                        found.add(base[:-1])
    return found


# Words that share a stem, are no regular inflection of one another and belong to no common entry, yet
# are one family: two words of one set may meet. Keep this list short: any other collision is a bug in
# `text.stem` (or a word in the wrong entry).
TRUE_FAMILIES: list[set[str]] = [
    {"mock", "mocks", "mocked", "mocking", "mockk"},  # MockK is Kotlin's mocking library
]


def _vocabulary() -> dict[str, set[str]]:
    """Every word of the shipped lexicon and of the built-in personas' keywords, with the entries that own it."""
    from persona_mcp.catalog import builtin_dir
    from persona_mcp.loader import load_folder

    owners: dict[str, set[str]] = {}
    for entry in builtin_lexicon().entries:
        for phrase in entry.terms + entry.related:
            for word in words(phrase):
                owners.setdefault(word, set()).add(entry.name)
    for persona in load_folder(builtin_dir()).personas:
        spec = persona.spec
        for phrase in spec.trigger_keywords + spec.activity_keywords + spec.negative_keywords:
            for word in words(str(phrase)):
                owners.setdefault(word, set()).add(f"persona {spec.name}")
    return {word: found for word, found in owners.items() if word.isalpha()}


def test_stems_never_merge_words_of_unrelated_entries() -> None:
    from persona_mcp.text import stem

    owners = _vocabulary()
    by_stem: dict[str, list[str]] = {}
    for word in sorted(owners):
        by_stem.setdefault(stem(word), []).append(word)
    collisions = []
    for group in by_stem.values():
        for at, one in enumerate(group):
            for other in group[at + 1:]:
                if (_bases(one) & _bases(other) or owners[one] & owners[other]  # one word's forms, or one entry's
                        or any({one, other} <= family for family in TRUE_FAMILIES)):
                    continue
                collisions.append(f"{one} ({', '.join(sorted(owners[one]))}) ~ {other} "
                                  f"({', '.join(sorted(owners[other]))}): stem {stem(one)!r}")
    assert collisions == []


@pytest.mark.parametrize(("one", "other"), [
    ("form", "format"), ("form", "formatting"), ("core", "cors"), ("mode", "mod"), ("pipe", "pip"), ("role", "roll"),
    ("note", "not"), ("state", "stats"), ("statement", "state"), ("threat", "three"), ("huge", "hugging"),
    ("locale", "local"), ("bare", "bar"), ("wall", "wal"), ("nats", "nat"), ("embeddings", "embedded"),
    ("buildkite", "buildkit"), ("lite", "lit"), ("same", "sam"), ("idle", "idl"), ("documentation", "documents"),
    ("specification", "specific"), ("foundation", "found"), ("presentation", "present"), ("information", "inform"),
    ("profiling", "profiles"), ("fastly", "fast"), ("costly", "cost"), ("nightly", "night"),
    ("pipelining", "pipeline"), ("pipelined", "pipelines"),
])
def test_unrelated_words_keep_apart(one: str, other: str) -> None:
    from persona_mcp.text import stem

    assert stem(one) != stem(other)


@pytest.mark.parametrize("family", [
    "test tests testing tested", "optimize optimise optimization optimisation optimizing optimized",
    "deploy deploys deployed deploying deployment deployments", "format formats formatted formatting",
    "form forms", "code codes coded coding", "cache caches cached caching", "validate validated validation",
    "migrate migrated migration migrations", "document documented documenting", "style styles styled styling",
    "type types typed typing", "share shared sharing", "call calls called calling", "roll rolls rolled rolling",
    "role roles", "state states stated", "speed speeds speeding", "control controls controlled controlling",
    "install installed installation", "fuzz fuzzing", "class classes", "process processes processing",
    "scale scales scaled scaling", "write writes writing", "improve improves improvement", "manage managed management",
    "profile profiles profiled", "release releases released releasing", "run runs running", "log logs logging",
    "debug debugging", "lint lints linting", "locale locales", "handle handles handled handling",
    "bundle bundles bundled bundling", "enable enables enabled enabling", "idle idling", "module modules",
    "compile compiled compiling", "title titles titled",
])
def test_real_families_meet_at_one_stem(family: str) -> None:
    from persona_mcp.text import stem

    assert len({stem(word) for word in family.split()}) == 1, {word: stem(word) for word in family.split()}


def test_a_folder_of_crates_is_a_rust_workspace_not_dependency_work() -> None:
    # "crates/" holds a Rust workspace's code: a change in it is Rust, not work on cargo or its dependencies.
    from persona_mcp.selection import SelectionIndex, read_request

    index = SelectionIndex([], builtin_lexicon())
    files = ["crates/oxc_parser/src/lexer/trivia_builder.rs"]
    about = index.domains.read(read_request("Do not copy comments", files, index.one_word_terms))
    assert "rust" in about and "cargo" not in about and "dependencies" not in about
    assert "cargo" in entries_read("Publish the parser to crates.io")
