"""Every command in the README's code blocks runs, in README order, against the demo site.

README.md is parsed at test time, so later edits are covered: every ```bash block gives its
command lines, and every plain block its lines that start with `snarewatch`. The two top-level
commands (`make demo`, `make test`) and the virtualenv activation are skipped: CI runs them
itself. Each `snarewatch` command runs as `python -m snarewatch` from this checkout, with a
fresh data dir and working dir, in README order (later commands use what earlier ones made),
as typed, except for these rewrites:

- placeholder hosts (RFC 2606 names such as example-marketplace.test or shop.example) point at
  a demo site served by the test, and the README's demo-site port at the `demo-site` the
  README starts (on a free port);
- `--max-pages` is capped at MAX_PAGES, so the crawls stay small;
- commands that take `--backend` get a scripted teacher (labeler.llm.fake, rules in
  readme_fixtures/teacher-TASK.json) instead of the embedded or a hosted LLM: the embedded
  model is too slow here, and `SNAREWATCH_LLM_BACKEND` cannot name the scripted one;
- servers (`serve`, `worker`, `beat`, `demo-site`) get free ports, and are stopped once up.

Files the commands read are made the way a researcher makes them: the profile written by
`sites new` is pointed at the demo site, the spec written by `tasks new` is filled in
(readme_fixtures/TASK.toml), the file written by `labels seed` gets hand labels (the demo's
ground truth stands in for the researcher), gold files come from the same ground truth, and
`ads.csv` is readme_fixtures/ads.csv.

A command fails if it exits non-zero, says "No such command" / "No such option", does not
write its `--out` file, or (a server) exits with an error before it is stopped. All failures
are reported together.
"""

from __future__ import annotations

import contextlib
import csv
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
FIXTURES = Path(__file__).parent / "readme_fixtures"

MAX_PAGES = 30
"""Cap on `--max-pages`: enough pages for every later step, few enough for CI."""
COMMAND_TIMEOUT_S = 300
READY_TIMEOUT_S = 60
SHELL_INFO = {"bash", "sh", "shell"}

SKIPPED: dict[tuple[str, ...], str] = {
    ("make", "demo"): "a top-level command of the README; CI runs it itself",
    ("make", "test"): "a top-level command of the README; CI runs it, and this test with it",
    ("source", ".venv/bin/activate"): "the test already runs the virtualenv's interpreter",
}
"""Commands not run here (argv prefix -> why)."""

KNOWN_FAILURES: dict[str, str] = {}
"""README command (as written, without its comment) -> why it fails until README or product
is fixed. Keep empty: an entry here is a bug to fix, not a way to pass."""

READY_MARKERS = {"worker": "ready.", "beat": "Starting"}
"""What a server without a port of its own logs once it is up."""
PORT_SERVERS = {"serve", "demo-site"}

PLACEHOLDER_HOST = re.compile(r"(^|\.)(test|example|invalid|localhost)$|^example\.(com|net|org)$")
"""Hosts reserved for examples (RFC 2606): the README's stand-ins for real sites."""
AD_LIKE_PATH = re.compile(r"^/(item|ad|listing)s?/\d+")
SHOP_LIKE_PATH = re.compile(r"^/(p|product|products)/[^/]+")
DEMO_AD_PATH = re.compile(r"/ad/(\d+)")
DEMO_SHOP_PAGE = "/shop/weighted-blanket"

TRUTH_POSITIVE: dict[str, Callable[[dict[str, Any]], bool]] = {
    "wildlife": lambda ad: bool(ad["is_wildlife"]),
    "shark-teeth": lambda ad: ad["product_type"] == "fin_or_shark_part",
}
"""Per task, which demo ads a researcher labels positive (from the demo's ground truth)."""


# ---------------------------------------------------------------------------------------------
# Reading the README


@dataclass(frozen=True)
class ReadmeCommand:
    """One command of a README code block, split like the shell splits it."""

    lineno: int
    argv: tuple[str, ...]
    background: bool = False

    @property
    def text(self) -> str:
        """The command as written (without its comment)."""
        return shell_words(self.argv) + (" &" if self.background else "")


def shell_words(argv: tuple[str, ...] | list[str]) -> str:
    """Words joined back into a command line, double-quoted where needed (as the README does)."""
    def quoted(word: str) -> str:
        if re.fullmatch(r"[\w@%+=:,./?-]+", word):
            return word
        return f'"{word}"' if not re.search(r'["$`\\]', word) else shlex.quote(word)

    return " ".join(quoted(w) for w in argv)


def strip_comment(line: str) -> str:
    """The line without its `# comment` (a '#' that starts a word outside quotes, as in bash)."""
    quote = None
    escaped = False
    for i, ch in enumerate(line):
        if escaped:
            escaped = False
        elif ch == "\\" and quote != "'":
            escaped = True
        elif quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip()
    return line.rstrip()


def split_commands(line: str, lineno: int) -> list[ReadmeCommand]:
    """The commands of one shell line: `a & b &` runs two in the background; `;` and `&&`
    separate foreground ones. Pipes and redirections are refused (nothing here runs them)."""
    lexer = shlex.shlex(strip_comment(line), posix=True, punctuation_chars=";&|<>")
    lexer.whitespace_split = True
    lexer.commenters = ""  # comments are already gone; a '#' inside a word is not one
    commands: list[ReadmeCommand] = []
    words: list[str] = []
    for token in lexer:
        if token in {"&", ";", "&&"}:
            if words:
                commands.append(ReadmeCommand(lineno, tuple(words), background=token == "&"))
            words = []
        elif token[0] in ";&|<>":
            raise ValueError(f"README.md:{lineno}: {token!r} in {line.strip()!r}: this test "
                             "runs plain commands only; extend it to run this one")
        else:
            words.append(token)
    if words:
        commands.append(ReadmeCommand(lineno, tuple(words)))
    return commands


def code_blocks(text: str) -> Iterator[tuple[str, list[tuple[int, str]]]]:
    """(info string, [(line number, line)]) of every fenced code block."""
    info, lines, inside = "", [], False
    for n, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("```"):
            if inside:
                yield info, lines
            else:
                info, lines = line.lstrip()[3:].strip().lower(), []
            inside = not inside
        elif inside:
            lines.append((n, line))


def readme_commands(text: str) -> list[ReadmeCommand]:
    """Every command of the README's shell blocks, and of plain blocks' `snarewatch` lines."""
    commands: list[ReadmeCommand] = []
    for info, lines in code_blocks(text):
        language = info.split()[0] if info else ""
        if language not in SHELL_INFO:
            if language:
                continue
            # A plain block is output or a diagram unless a line starts with the command.
            lines = [(n, ln) for n, ln in lines if re.match(r"snarewatch(\s|$)", ln)]
        pending, start = "", 0
        for n, line in lines:
            if not pending:
                start = n
            if line.rstrip().endswith("\\"):  # a continued line
                pending += line.rstrip()[:-1] + " "
                continue
            full, pending = pending + line, ""
            if full.strip():
                commands += split_commands(full, start)
    return commands


def skip_reason(argv: tuple[str, ...]) -> str | None:
    """Why a command is not run here, or None."""
    for prefix, reason in SKIPPED.items():
        if argv[:len(prefix)] == prefix:
            return reason
    return None


# ---------------------------------------------------------------------------------------------
# The command line, introspected (cheap: command modules import their stage lazily). Typer
# builds it from its own copy of click, so groups are told apart by their `commands`.


@cache
def cli_root() -> Any:
    """The `snarewatch` command group, as Typer builds it."""
    import typer.main

    from snarewatch.cli import app

    return typer.main.get_command(app)


def is_group(command: Any) -> bool:
    """Whether a command has subcommands."""
    return isinstance(getattr(command, "commands", None), dict)


def resolve(argv: tuple[str, ...] | list[str]) -> tuple[Any, list[str], int]:
    """The command an argv names, its path (e.g. ["labels", "import"]) and the index of its
    first argument."""
    command = cli_root()
    path: list[str] = []
    i = 1
    while is_group(command) and i < len(argv) and argv[i] in command.commands:
        command = command.commands[argv[i]]
        path.append(argv[i])
        i += 1
    return command, path, i


def usage_problem(argv: tuple[str, ...]) -> str | None:
    """Why `snarewatch ...` would stop at "No such command/option", or None."""
    command, path, i = resolve(argv)
    if is_group(command) and not command.invoke_without_command:
        word = argv[i] if i < len(argv) else ""
        return f"No such command {word!r} under {' '.join(['snarewatch', *path])}"
    names = {opt for p in command.params for opt in (*p.opts, *p.secondary_opts)} | {
        "--help", "-h"}
    for token in argv[i:]:
        if re.match(r"--?[A-Za-z]", token) and token.split("=", 1)[0] not in names:
            return f"No such option {token!r} for {' '.join(['snarewatch', *path])}"
    return None


def option_default(argv: tuple[str, ...] | list[str], name: str) -> Any:
    """The default value of an option of the command an argv names."""
    command, _, _ = resolve(argv)
    for param in command.params:
        if name in param.opts:
            return param.default
    raise KeyError(name)


def has_option(argv: tuple[str, ...] | list[str], name: str) -> bool:
    """Whether the command an argv names takes this option."""
    command, _, _ = resolve(argv)
    return any(name in p.opts for p in command.params)


def positionals(argv: list[str]) -> list[str]:
    """The arguments of the command an argv names, without its options and their values."""
    command, _, i = resolve(argv)
    takes_value = {opt for p in command.params if p.param_type_name == "option"
                   and not p.is_flag and not p.count for opt in p.opts}
    found: list[str] = []
    words = iter(argv[i:])
    for word in words:
        if word in takes_value:
            next(words, None)
        elif not word.startswith("-"):
            found.append(word)
    return found


def task_argument(argv: list[str]) -> str | None:
    """The TASK argument of a command that takes one, else None."""
    command, _, _ = resolve(argv)
    arguments = [p for p in command.params if p.param_type_name == "argument"]
    if not arguments or arguments[0].name not in {"task", "task_name"}:
        return None
    return next(iter(positionals(argv)), None)


def set_option(argv: list[str], name: str, value: str) -> list[str]:
    """argv with the option set to this value (replaced if present, else appended)."""
    if name in argv:
        k = argv.index(name)
        return [*argv[:k + 1], value, *argv[k + 2:]]
    return [*argv, name, value]


def option_value(argv: list[str], *names: str) -> str | None:
    """The value given to an option (any of its names), or None."""
    for k, token in enumerate(argv[:-1]):
        if token in names:
            return argv[k + 1]
    return None


# ---------------------------------------------------------------------------------------------
# The demo's ground truth, standing in for the researcher's hand labels


@cache
def demo_ads() -> dict[str, dict[str, Any]]:
    """Ground-truth ads of the default demo site, by id."""
    from demo_site.truth import ground_truth

    return {a["id"]: a for a in ground_truth()["ads"]}


def task_spec(workdir: Path, name: str) -> Any:
    """A task spec: the researcher's ./tasks/NAME.toml, else the bundled one."""
    from snarewatch.tasks import load_task

    own = workdir / "tasks" / f"{name}.toml"
    return load_task(str(own) if own.exists() else name)


def label_names(spec: Any) -> tuple[str, str]:
    """(positive, negative) label names of a binary task."""
    positive = spec.positive[0]
    return positive, next(n for n in spec.label_names if n not in spec.positive)


def hand_labeller(spec: Any, script: Path) -> Callable[[dict[str, str]], str]:
    """How a researcher labels a row of a seed or review file: demo ads by the demo's ground
    truth; other rows are readme_fixtures/ads.csv, whose plain titles the scripted teacher's
    keyword rules read correctly."""
    from labeler.llm.fake import from_spec

    positive, negative = label_names(spec)
    teacher = from_spec(str(script))
    truth = TRUTH_POSITIVE.get(spec.name)

    def label(row: dict[str, str]) -> str:
        m = DEMO_AD_PATH.search(row.get("url") or "")
        ad = demo_ads().get(m.group(1)) if m else None
        if ad is not None and truth is not None:
            return positive if truth(ad) else negative
        return str(teacher.choose(f"Input:\n{row.get('text') or ''}", spec.label_names).label)

    return label


def write_gold(path: Path, workdir: Path, task: str) -> None:
    """A gold file (text,label) from the demo's ground truth: every positive ad (up to 40) and
    as many negatives, the hard negatives first."""
    if task not in TRUTH_POSITIVE:
        raise AssertionError(f"no ground truth for task {task!r}: add it to TRUTH_POSITIVE")
    positive, negative = label_names(task_spec(workdir, task))
    ads = sorted(demo_ads().values(), key=lambda a: a["id"])
    pos = [a for a in ads if TRUTH_POSITIVE[task](a)][:40]
    neg = sorted((a for a in ads if not TRUTH_POSITIVE[task](a)),
                 key=lambda a: (a["hard_negative"] is None, a["id"]))[:max(len(pos), 20)]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "label"])
        for ad, label in [*((a, positive) for a in pos), *((a, negative) for a in neg)]:
            writer.writerow([f"{ad['title']}\n{ad['description']}", label])


# ---------------------------------------------------------------------------------------------
# Running the commands


@dataclass
class Outcome:
    """What happened to one README command."""

    command: ReadmeCommand
    status: str  # ok | failed | skipped | known
    detail: str = ""
    ran: tuple[str, ...] = ()
    seconds: float = 0.0

    def line(self) -> str:
        """One line for the summary."""
        ran = f"  [ran: {shell_words(self.ran)}]" if self.ran else ""
        return (f"{self.status:7} {self.seconds:6.1f} s  README.md:{self.command.lineno}: "
                f"{self.command.text}{ran}" + (f"\n    {self.detail}" if self.detail else ""))


@dataclass
class Server:
    """A long-running command started by the README (kept up if it ran with `&`)."""

    command: ReadmeCommand
    argv: list[str]
    proc: subprocess.Popen[bytes]
    log: Path
    started: float


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_open(port: int) -> bool:
    """Whether something accepts connections on 127.0.0.1:port."""
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def tail(text: str, lines: int = 15) -> str:
    """The last lines of a command's output, indented for the failure message."""
    return "\n      ".join(text.strip().splitlines()[-lines:])


@dataclass
class ReadmeSession:
    """Runs README commands one after the other in one working dir and one data dir."""

    workdir: Path
    demo_base: str
    env: dict[str, str] = field(default_factory=dict)
    outcomes: list[Outcome] = field(default_factory=list)
    servers: list[Server] = field(default_factory=list)
    demo_site_url: str | None = None
    api_port: int = 0
    reviewed_flags: set[str] = field(default_factory=set)  # files of `labels export --flags`

    def __post_init__(self) -> None:
        self.api_port = free_port()
        # Nothing of the caller's configuration leaks in; the checkout under test comes first.
        env = {k: v for k, v in os.environ.items() if not k.startswith("SNAREWATCH_")}
        env.update(
            PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH"))
                                       if p),
            SNAREWATCH_DATA_DIR=str(self.workdir / "data"),
            SNAREWATCH_API_PORT=str(self.api_port),
            HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false",
            COLUMNS="200", NO_COLOR="1",
        )
        if os.environ.get("PYTEST_XDIST_WORKER"):
            # Another test file shares the two cores: torch's second thread would spin
            # against it and make `train` several times slower.
            env["OMP_NUM_THREADS"] = "1"
        self.env = env
        (self.workdir / "logs").mkdir(parents=True, exist_ok=True)

    # -- rewrites ----------------------------------------------------------------------------

    def demo_url(self, url: str, demo_site_port: int) -> str:
        """A README URL pointed at a demo site: placeholders at the test's demo site (ad-like
        paths at a real ad, product-like paths at a shop page), the README's demo-site port at
        the `demo-site` the README started."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        if host in {"127.0.0.1", "localhost"} and parts.port == demo_site_port:
            base = urlsplit(self.demo_site_url or self.demo_base)
            return urlunsplit(parts._replace(netloc=base.netloc))
        if not PLACEHOLDER_HOST.search(host):
            return url
        path = parts.path
        if AD_LIKE_PATH.match(path):
            ad = next(a for a in sorted(demo_ads().values(), key=lambda a: a["id"])
                      if a["is_wildlife"])
            path = ad["url"]
        elif SHOP_LIKE_PATH.match(path):
            path = DEMO_SHOP_PAGE
        base = urlsplit(self.demo_base)
        return urlunsplit((base.scheme, base.netloc, path or "/", parts.query, ""))

    def teacher(self, task: str) -> Path:
        """The scripted teacher for a task, copied into the working dir (the path returned is
        relative to it)."""
        source = FIXTURES / f"teacher-{task}.json"
        if not source.exists():
            raise AssertionError(f"no scripted teacher for task {task!r}: add {source.name} "
                                 "to readme_fixtures/")
        target = Path("teachers") / source.name
        (self.workdir / target.parent).mkdir(exist_ok=True)
        shutil.copyfile(source, self.workdir / target)
        return target

    def rewrite(self, argv: tuple[str, ...]) -> list[str]:
        """The command as run here (see the module docstring for each rewrite)."""
        args: list[str] = []
        for token in argv:  # --opt=value -> --opt value, so options are found either way
            args += token.split("=", 1) if re.match(r"--[\w-]+=", token) else [token]
        demo_site_port = int(option_default(["snarewatch", "demo-site"], "--port"))
        args = [self.demo_url(a, demo_site_port) if re.match(r"https?://", a) else a
                for a in args]
        pages = option_value(args, "--max-pages")
        if pages is not None and pages.isdigit():
            args = set_option(args, "--max-pages", str(min(int(pages), MAX_PAGES)))
        if has_option(args, "--backend"):
            task = task_argument(args) or "wildlife"  # `demo` labels the wildlife task
            args = set_option(args, "--backend", f"fake:{self.teacher(task)}")
        _, path, _ = resolve(args)
        if path == ["demo-site"]:
            args = set_option(args, "--port", str(free_port()))
        elif path == ["serve"] and "--port" in args:
            args = set_option(args, "--port", str(self.api_port))
        return args

    # -- inputs and outputs ------------------------------------------------------------------

    def prepare_inputs(self, args: list[str]) -> None:
        """Make the files a command reads, as the researcher would have them by then."""
        _, path, _ = resolve(args)
        positional = positionals(args)
        if path[:1] == ["import"] and positional:
            target = self.workdir / positional[0]
            if not target.exists() and (FIXTURES / target.name).exists():
                shutil.copyfile(FIXTURES / target.name, target)
        if path == ["labels", "import"] and len(positional) >= 2:
            self.fill_hand_labels(positional[0], self.workdir / positional[1])
        gold = option_value(args, "--gold", "-g")
        task = task_argument(args)
        if gold and task and not (self.workdir / gold).exists():
            write_gold(self.workdir / gold, self.workdir, task)

    def fill_hand_labels(self, task: str, path: Path) -> None:
        """Fill the `human_label` column of a file written by `labels seed`/`labels export`."""
        if not path.exists():
            raise AssertionError(f"{path.name} should have been written by an earlier "
                                 "README command")
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            columns, rows = list(reader.fieldnames or []), list(reader)
        spec = task_spec(self.workdir, task)
        label = hand_labeller(spec, self.workdir / self.teacher(task))
        for row in rows:
            row["human_label"] = label(row)
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, columns)
            writer.writeheader()
            writer.writerows(rows)
        kinds = {r["human_label"] == label_names(spec)[0] for r in rows}
        # A seed set needs both kinds; a review of the findings may find them all right.
        assert kinds == {True, False} or path.name in self.reviewed_flags, \
            f"{path.name}: hand labels of one kind only ({kinds})"

    def after(self, args: list[str], stdout: str) -> str | None:
        """Check a finished command's output files and do the researcher's next edit; returns
        a problem, or None."""
        out = option_value(args, "--out", "-o")
        if out and not (self.workdir / out).exists():
            return f"exited 0 but did not write {out}"
        _, path, _ = resolve(args)
        if path == ["labels", "export"] and "--flags" in args and out:
            self.reviewed_flags.add(Path(out).name)
        written = re.search(r"wrote (\S+?\.toml)", stdout)
        if path in (["sites", "new"], ["tasks", "new"]) and not written:
            return "did not say which file it wrote"
        if path == ["sites", "new"] and written:
            point_profile_at_demo(self.workdir / written.group(1), self.demo_base)
        if path == ["tasks", "new"] and written:
            own = FIXTURES / Path(written.group(1)).name
            if own.exists():  # the researcher's question, labels and examples
                shutil.copyfile(own, self.workdir / written.group(1))
        return None

    # -- running -----------------------------------------------------------------------------

    def python_argv(self, args: list[str]) -> list[str]:
        """`snarewatch ARGS` as run from this checkout."""
        return [sys.executable, "-m", "snarewatch", *args[1:]]

    def run(self, command: ReadmeCommand) -> None:
        """Run one README command and record its outcome."""
        reason = skip_reason(command.argv)
        if reason is not None:
            self.outcomes.append(Outcome(command, "skipped", reason))
            return
        if command.argv[0] != "snarewatch":
            self.outcomes.append(Outcome(command, "failed", "not a snarewatch command and no "
                                         "rule for it in this test (SKIPPED)"))
            return
        problem = usage_problem(command.argv)
        if problem is not None:
            self.outcomes.append(Outcome(command, "failed", problem))
            return
        started = time.monotonic()
        try:
            args = self.rewrite(command.argv)
            self.prepare_inputs(args)
        except AssertionError as exc:
            self.outcomes.append(Outcome(command, "failed", f"could not prepare: {exc}"))
            return
        _, path, _ = resolve(args)
        if path[:1] and (path[0] in PORT_SERVERS or path[0] in READY_MARKERS):
            self.start_server(command, args)
            return
        try:
            proc = subprocess.run(self.python_argv(args), cwd=self.workdir, env=self.env,
                                  capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.record(command, args, started, f"still running after {COMMAND_TIMEOUT_S} s")
            return
        output = proc.stdout + proc.stderr
        problem = None
        if proc.returncode != 0:
            problem = f"exit {proc.returncode}:\n      {tail(output)}"
        elif "No such command" in output or "No such option" in output:
            problem = f"usage error:\n      {tail(output)}"
        else:
            try:
                problem = self.after(args, proc.stdout)
            except (AssertionError, OSError, tomllib.TOMLDecodeError) as exc:
                problem = f"the researcher's next step failed: {exc}"
        self.record(command, args, started, problem)

    def record(self, command: ReadmeCommand, args: list[str], started: float,
               problem: str | None) -> None:
        """Add an outcome (a known failure stays a failure if it starts to pass)."""
        seconds = time.monotonic() - started
        known = KNOWN_FAILURES.get(command.text)
        if known is not None:
            status = "known" if problem else "failed"
            problem = f"known failure: {known}" if problem else \
                "passes now: remove it from KNOWN_FAILURES"
        else:
            status = "failed" if problem else "ok"
        self.outcomes.append(Outcome(command, status, problem or "", tuple(args), seconds))

    def start_server(self, command: ReadmeCommand, args: list[str]) -> None:
        """Start a server, wait until it is up, and stop it unless the README left it running
        in the background (`&`) for the commands after it."""
        _, path, _ = resolve(args)
        log = self.workdir / "logs" / f"{command.lineno}-{path[0]}.log"
        with log.open("wb") as fh:
            # Its own session, so stopping it also stops its children (pool, loader).
            proc = subprocess.Popen(self.python_argv(args), cwd=self.workdir, env=self.env,
                                    stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
        server = Server(command, args, proc, log, time.monotonic())
        problem = self.wait_ready(server, path[0])
        if problem is not None:
            self.stop(server)
            self.record(command, args, server.started, problem)
        elif command.background:
            self.servers.append(server)
            if path[0] == "demo-site":
                self.demo_site_url = f"http://127.0.0.1:{option_value(args, '--port')}"
        else:
            self.record(command, args, server.started, self.stop(server))

    def wait_ready(self, server: Server, name: str) -> str | None:
        """None once the server listens (or logs that it is ready); else what went wrong."""
        port = int(option_value(server.argv, "--port") or self.api_port) \
            if name in PORT_SERVERS else None
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            code = server.proc.poll()
            if code is not None:
                return None if code == 0 else \
                    f"exited {code} at start:\n      {tail(server.log.read_text(errors='replace'))}"
            if port is not None and port_open(port):
                return None
            if name in READY_MARKERS and \
                    READY_MARKERS[name] in server.log.read_text(errors="replace"):
                return None
            time.sleep(0.3)
        return f"not up after {READY_TIMEOUT_S} s:\n      " \
               f"{tail(server.log.read_text(errors='replace'))}"

    def stop(self, server: Server) -> str | None:
        """Stop a server (and its children); a problem if it had exited with an error first."""
        code = server.proc.poll()
        if code is None:
            # SIGTERM to the server alone, as Ctrl-C or a service manager would stop it: a
            # worker then shuts down its pool and its loader itself.
            server.proc.terminate()
            try:
                server.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        with contextlib.suppress(ProcessLookupError):  # whatever it left behind
            os.killpg(server.proc.pid, signal.SIGKILL)
        server.proc.wait(timeout=10)
        if code is None:
            return None
        if code != 0:
            return f"exited {code} before it was stopped:\n      " \
                   f"{tail(server.log.read_text(errors='replace'))}"
        return None

    def finish(self) -> None:
        """Stop the servers the README left running; each passes if it was still up."""
        for server in self.servers:
            self.record(server.command, server.argv, server.started, self.stop(server))
        self.servers.clear()


def point_profile_at_demo(path: Path, demo_base: str) -> None:
    """The researcher's edit of a new site profile: their site (here the demo site), a search
    for what they study as the seed, and a short delay (the site is local)."""
    text = path.read_text(encoding="utf-8")
    edits = ((r'(?m)^base_url = "[^"]*"', f'base_url = "{demo_base}"'),
             (r"(?m)^seeds = \[.*\]", 'seeds = ["{base}/search?q=shark"]'),
             (r"(?m)^delay_s = [\d.]+", "delay_s = 0.1"))
    for pattern, new in edits:
        text, n = re.subn(pattern, new.replace("\\", "\\\\"), text)
        assert n == 1, f"{path.name}: no line matches {pattern!r} (the scaffold changed)"
    tomllib.loads(text)
    path.write_text(text, encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# The tests


def test_readme_has_commands_the_cli_knows() -> None:
    """Every README command parses, names a command that exists and only its options."""
    commands = readme_commands(README.read_text(encoding="utf-8"))
    ours = [c for c in commands if c.argv[0] == "snarewatch"]
    assert len(ours) >= 10, f"only {len(ours)} snarewatch commands found: is the parser right?"
    problems = [f"README.md:{c.lineno}: {c.text}: {p}" for c in ours
                if (p := usage_problem(c.argv)) is not None]
    others = [f"README.md:{c.lineno}: {c.text}: no rule for it" for c in commands
              if c.argv[0] != "snarewatch" and skip_reason(c.argv) is None]
    assert not problems + others, "\n".join(problems + others)


def test_every_readme_command_runs(tmp_path: Path) -> None:
    """Run the README's commands in order against the demo site; report every failure."""
    from demo_site.server import serve_in_thread

    commands = readme_commands(README.read_text(encoding="utf-8"))
    workdir = tmp_path / "work"
    workdir.mkdir()
    with serve_in_thread() as base:
        session = ReadmeSession(workdir, base)
        try:
            for command in commands:
                session.run(command)
        finally:
            session.finish()
    print("\n".join(o.line() for o in session.outcomes))  # shown with -s or on failure
    failed = [o.line() for o in session.outcomes if o.status == "failed"]
    assert not failed, f"{len(failed)} README commands failed:\n" + "\n".join(failed)
