//! Command line: `optform check` and `optform run`.

mod bench;
mod csv_out;
mod llm;
pub mod report;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::check::{check as check_source, Checked, Source};
use crate::model::{DataAccess, Limits};
use crate::solve::{self, Status};

/// Exit codes, documented in `optform --help` and the README.
pub mod exit {
    pub const OK: i32 = 0;
    pub const MODEL_ERROR: i32 = 1;
    pub const USAGE: i32 = 2;
    pub const INFEASIBLE: i32 = 3;
    pub const UNBOUNDED: i32 = 4;
    pub const LIMIT: i32 = 5;
    pub const NOT_VERIFIED: i32 = 6;
    pub const SOLVER_ERROR: i32 = 7;
    pub const LLM_ERROR: i32 = 8;
    /// An output could not be written (a file, or stdout closed).
    pub const IO_ERROR: i32 = 9;
}

const AFTER_HELP: &str = "\
Examples:
  optform check examples/production_indexed.json
  optform run examples/production_indexed.json
  optform run model.json --json --time-limit 60 --mip-gap 0.001
  optform solve examples/diet.txt --out runs/diet

Exit codes:
  0  success (check: no errors; run: verified optimum)
  1  the formulation has errors (printed with element path, caret and fix)
  2  usage error, or an input file that cannot be read
  3  infeasible
  4  unbounded, or infeasible-or-unbounded
  5  stopped at a time or iteration limit, or solve's --deadline (best answer so far reported)
  6  the solver's point failed verification against the formulation
  7  solver error
  8  the LLM endpoint failed (unreachable, key rejected, unknown model, cache miss offline);
     what the rounds before it produced is still printed and written to --out
  9  an output could not be written (the message names it)

The formulation language: docs/formulation.md";

#[derive(Parser, Debug)]
#[command(name = "optform", version, about = "Optimization modelling: check, compile and solve five-element formulations with HiGHS", after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Parse and check a formulation without solving: every error, with a caret and a fix.
    #[command(after_help = "Example:\n  optform check examples/diet.json --json")]
    Check(CheckArgs),
    /// Check, compile, solve with HiGHS and verify the solution against the formulation.
    #[command(
        after_help = "Example:\n  optform run examples/transportation.json\n  optform run examples/facility_location.json --json --time-limit 10"
    )]
    Run(RunArgs),
    /// English in, verified optimum out: formulate with an LLM, check, solve, verify, repair.
    #[command(after_help = SOLVE_HELP)]
    Solve(SolveArgs),
    /// Ask the LLM for a formulation, repaired until it passes the checks; write it (no solving).
    #[command(after_help = "Example:\n  optform formulate examples/diet.txt -o diet.json && optform run diet.json")]
    Formulate(FormulateArgs),
    /// List the benchmark datasets, or show one problem.
    #[command(after_help = "Examples:\n  optform datasets\n  optform datasets show nl4opt nl4opt-1")]
    Datasets(DatasetsArgs),
    /// Run the solve pipeline over benchmark datasets and score it strictly.
    #[command(after_help = BENCH_HELP)]
    Bench(BenchArgs),
    /// Score one or more bench runs; compare with a baseline (the CI gate).
    #[command(after_help = SCORE_HELP)]
    Score(ScoreArgs),
    /// Render a formulation as solver input (LP, MPS, Pyomo, MathProg) or a document (LaTeX, Markdown).
    #[command(after_help = RENDER_HELP)]
    Render(RenderArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(
        after_help = "Examples:\n  optform completions bash > ~/.local/share/bash-completion/completions/optform\n  optform completions zsh > ~/.zfunc/_optform\n  optform completions fish > ~/.config/fish/completions/optform.fish"
    )]
    Completions {
        /// The shell to write the script for.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    #[command(after_help = "Example:\n  optform man > ~/.local/share/man/man1/optform.1 && man optform")]
    Man,
    /// Print the JSON Schema of a model file, for editors (VS Code: `json.schemas`, or a `$schema` key).
    #[command(after_help = SCHEMA_HELP)]
    Schema(SchemaArgs),
}

const SCHEMA_HELP: &str = "\
Examples:
  optform schema -o optform.schema.json
  # then in a model file:  { \"$schema\": \"./optform.schema.json\", \"variables\": ... }
  # or in VS Code settings: \"json.schemas\": [{\"fileMatch\": [\"models/*.json\"], \"url\": \"./optform.schema.json\"}]

The schema describes every form the language accepts (a superset of the one the LLM is
constrained by); `optform check` still does the real checks: names, sets, data and degrees.";

#[derive(Args, Debug)]
struct SchemaArgs {
    /// Write the schema to this file instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    out: Option<PathBuf>,
}

const SOLVE_HELP: &str = "\
Examples:
  scripts/local-llm.sh install && scripts/local-llm.sh start
  optform solve examples/production_scalar.txt
  optform solve problem.txt --base-url https://api.openai.com/v1 --model gpt-4o-mini --samples 5 --temperature 0.7
  optform solve problem.txt --cache .llm-cache --out runs/p1     # record
  optform solve problem.txt --cache .llm-cache --offline          # replay, no network
  optform solve problem.txt --examples 2 --grounding-round true   # opt-in accuracy components

Endpoint: --base-url / OPTFORM_BASE_URL (default http://127.0.0.1:8080/v1), --model /
OPTFORM_MODEL, key in OPTFORM_API_KEY or OPENAI_API_KEY (never printed or written), or an
optform.toml with [llm] base_url, model, api_key_env, timeout_seconds, max_retries, structured,
bounded_schema and a [prices.MODEL] table (input/output dollars per million tokens).";

const BENCH_HELP: &str = "\
Examples:
  optform bench nl4opt --sample 20 --seed 1 -o runs/nl4opt-20
  optform bench nl4opt mamo_easylp --limit 50 --concurrency 16 --base-url http://vllm:8000/v1 --model qwen
  optform bench nl4opt -o runs/a --resume                    # continue an interrupted run
  optform bench industryor --shard 3/8 -o runs/ior-3         # one slice of 8 (Slurm array, k8s Job)
  optform bench nl4opt --sample 20 --cache tests/bench-cache --offline -o runs/replay
  optform bench nl4opt mamo_easylp industryor --split test -o runs/test   # the fixed test split
  optform bench nl4opt --sample 20 --baseline-engine -o runs/ref          # without the accuracy components

Scoring: correct when |pred - gt| <= max(rtol*|gt|, atol), rtol 1e-6, atol 0.005 for datasets
whose labels are rounded to 2 decimals (else 0); infeasible/unbounded labels match only that
status; timeouts never count. The ground truth is never used to retry. Each run writes
results.jsonl (one line per problem as it finishes), metrics.json, report.md and report.html.";

const SCORE_HELP: &str = "\
Examples:
  optform score runs/nl4opt-20
  optform score runs/shard-* --write-baseline bench-baseline.json
  optform score runs/replay --baseline tests/bench-baseline.json --max-drop 0   # exit 1 on regression";

const RENDER_HELP: &str = "\
Examples:
  optform render examples/diet.json --to lp -o diet.lp
  optform render examples/diet.json --to markdown
  optform render examples/diet.json --to pyomo -o diet.py && python diet.py
  optform render examples/diet.json --to latex --template my_latex.j2

Templates are minijinja files; the built-in ones are in templates/ of the source tree. A
construct a format cannot express (a QP in MathProg, a semi-continuous variable in Pyomo) is an
error naming it (exit 1), never a silently different model.";

/// How to reach the LLM (shared by `solve` and `formulate`).
#[derive(Args, Debug, Clone)]
struct LlmArgs {
    /// OpenAI-compatible base URL, up to /v1.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Model name at that endpoint.
    #[arg(long)]
    model: Option<String>,
    /// Seconds to wait for one HTTP answer.
    #[arg(long, value_name = "SECONDS")]
    timeout: Option<u64>,
    /// Retries on connection errors, 429 and 5xx.
    #[arg(long)]
    retries: Option<u32>,
    /// How to ask for JSON.
    #[arg(long, value_enum)]
    structured: Option<crate::llm::Structured>,
    /// Cap item counts and string lengths in the schema (helps small local models).
    #[arg(long)]
    bounded_schema: bool,
    /// Reuse answers from (and store new ones in) this cache directory.
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
    /// Replay from --cache only; a request not in the cache is an error.
    #[arg(long, requires = "cache")]
    offline: bool,
    /// Settings file (default: optform.toml in the current folder, if there is one). A file
    /// named here must exist.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Most tokens per answer.
    #[arg(long, default_value_t = 4096)]
    max_tokens: u32,
    #[command(flatten)]
    engine: EngineArgs,
    #[command(flatten)]
    input: InputArgs,
}

/// The accuracy components, each switchable (README, "Accuracy: the ablation").
#[derive(Args, Debug, Clone)]
struct EngineArgs {
    /// Run without any accuracy component (the original prompt, no slip fixes, repairs that
    /// continue the conversation, no grounding round): the reference row of the ablation.
    #[arg(long, conflicts_with_all = ["slip_fixes", "examples", "repair", "grounding_round", "requirement_fix"])]
    baseline_engine: bool,
    /// Fix unambiguous slips (`≤`, `=` for `==`, `2x`, relations joined by commas) before
    /// checking, as warnings, instead of spending a repair round on them.
    #[arg(long, value_name = "BOOL", default_value_t = crate::pipeline::Engine::default().slip_fixes, action = clap::ArgAction::Set)]
    slip_fixes: bool,
    /// Worked examples retrieved from the library for each request (0: the original prompt
    /// with two fixed examples).
    #[arg(long, value_name = "K", default_value_t = crate::pipeline::Engine::default().examples as u64, value_parser = clap::value_parser!(u64).range(0..=8))]
    examples: u64,
    /// How a repair asks again: continue the conversation, or a fresh request with the error
    /// as a hint.
    #[arg(long, value_enum, default_value_t = crate::pipeline::Engine::default().repair)]
    repair: crate::pipeline::RepairMode,
    /// One more round when a solved formulation's numbers do not match the problem text.
    #[arg(long, value_name = "BOOL", default_value_t = crate::pipeline::Engine::default().grounding_round, action = clap::ArgAction::Set)]
    grounding_round: bool,
    /// When the optimum is all zeros, read a `<=` constraint whose bound the problem states as
    /// a requirement ("needs to move 1,200") as `>=`; kept only if it then solves non-trivially.
    #[arg(long, value_name = "BOOL", default_value_t = crate::pipeline::Engine::default().requirement_fix, action = clap::ArgAction::Set)]
    requirement_fix: bool,
}

impl EngineArgs {
    fn engine(&self) -> crate::pipeline::Engine {
        if self.baseline_engine {
            return crate::pipeline::Engine::BASELINE;
        }
        crate::pipeline::Engine {
            slip_fixes: self.slip_fixes,
            examples: self.examples as usize,
            repair: self.repair,
            grounding_round: self.grounding_round,
            requirement_fix: self.requirement_fix,
        }
    }
}

#[derive(Args, Debug)]
struct SolveArgs {
    /// The problem in plain English (a text file), or `-` for stdin.
    problem: PathBuf,
    #[command(flatten)]
    llm: LlmArgs,
    /// Repair rounds after the first answer (0–50).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(0..=50))]
    max_repairs: u32,
    /// Independent formulations to vote over (1–50).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=50))]
    samples: u32,
    /// Sampling temperature.
    #[arg(long, default_value_t = 0.0)]
    temperature: f64,
    /// Seed of the first sample.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Seconds one HiGHS solve (or IIS computation) may take; a formulation that needs longer
    /// goes back for repair.
    #[arg(long, value_name = "SECONDS", default_value_t = crate::pipeline::DEFAULT_TIME_LIMIT, value_parser = llm::parse_seconds)]
    time_limit: f64,
    /// Relative MIP gap at which HiGHS may stop; the default proves the optimum.
    #[arg(long, value_name = "GAP", default_value = llm::EXACT_GAP_FLAG, value_parser = llm::parse_gap)]
    mip_gap: f64,
    /// Seconds for the whole run, LLM calls and solves included. When it passes, the best
    /// answer so far is reported and written, with exit code 5.
    #[arg(long, value_name = "SECONDS", value_parser = llm::parse_seconds)]
    deadline: Option<f64>,
    /// Write model.json, solution.json, transcript.jsonl and report.md here, as the run goes
    /// (the transcript after every round). The directory is created if needed; those four
    /// files from an earlier run are removed first, other files are left alone.
    #[arg(short, long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print one JSON document on stdout instead of text.
    #[arg(long)]
    json: bool,
    /// No progress lines on stderr.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Args, Debug)]
struct FormulateArgs {
    /// The problem in plain English (a text file), or `-` for stdin.
    problem: PathBuf,
    #[command(flatten)]
    llm: LlmArgs,
    /// Repair rounds when the formulation does not check (0–50).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(0..=50))]
    max_repairs: u32,
    /// Seconds one HiGHS call may take, should the checks need one.
    #[arg(long, value_name = "SECONDS", default_value_t = crate::pipeline::DEFAULT_TIME_LIMIT, value_parser = llm::parse_seconds)]
    time_limit: f64,
    /// Seconds for the whole loop; when it passes without a checked formulation, exit code 5.
    #[arg(long, value_name = "SECONDS", value_parser = llm::parse_seconds)]
    deadline: Option<f64>,
    /// Where to write the formulation (default: stdout).
    #[arg(short, long = "out", alias = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// No progress lines on stderr.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Args, Debug)]
struct DatasetsArgs {
    /// `show NAME ID` prints one problem.
    #[arg(num_args = 0..=3)]
    show: Vec<String>,
}

#[derive(Args, Debug)]
struct BenchArgs {
    /// Dataset names (see `optform datasets`) or paths to JSONL files.
    #[arg(required = true)]
    datasets: Vec<String>,
    #[command(flatten)]
    llm: LlmArgs,
    /// The first N problems of each dataset.
    #[arg(long, conflicts_with = "sample")]
    limit: Option<usize>,
    /// A seeded random N problems of each dataset.
    #[arg(long)]
    sample: Option<usize>,
    /// Seed of --sample's draw (the same seed draws the same problems).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Only the fixed dev or test items (README, "Accuracy"): NL4Opt, MAMO EasyLP and
    /// IndustryOR have a test split; tune on dev, report on test.
    #[arg(long, value_enum)]
    split: Option<crate::bench::Split>,
    /// Run slice K of N (1-based), e.g. 3/8.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    shard: Option<(usize, usize)>,
    /// Problems in flight at once.
    #[arg(long, default_value_t = 4)]
    concurrency: usize,
    /// At most this many LLM requests per minute (sliding window).
    #[arg(long)]
    rpm: Option<u32>,
    /// At most this many LLM tokens (prompt + completion) per minute.
    #[arg(long)]
    tpm: Option<u64>,
    /// Independent formulations per problem (majority vote, 1–50).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=50))]
    samples: u32,
    /// Sampling temperature (0 samples greedily).
    #[arg(long, default_value_t = 0.0)]
    temperature: f64,
    /// Repair rounds after the first answer (0–50).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(0..=50))]
    max_repairs: u32,
    /// Seconds per problem, repairs included; a timeout is a failure. It also stops the
    /// problem's running HiGHS solve, and the run goes on with the next problem.
    #[arg(long, value_name = "SECONDS", default_value_t = 900.0, value_parser = llm::parse_seconds)]
    problem_timeout: f64,
    /// Seconds one HiGHS solve (or IIS computation) may take.
    #[arg(long, value_name = "SECONDS", default_value_t = crate::pipeline::DEFAULT_TIME_LIMIT, value_parser = llm::parse_seconds)]
    time_limit: f64,
    /// Relative MIP gap at which HiGHS may stop; the default proves the optimum.
    #[arg(long, value_name = "GAP", default_value = llm::EXACT_GAP_FLAG, value_parser = llm::parse_gap)]
    mip_gap: f64,
    /// Relative tolerance of the scoring rule (default 1e-6).
    #[arg(long)]
    rtol: Option<f64>,
    /// Absolute tolerance of the scoring rule (default 0.005 for datasets whose labels are
    /// rounded to 2 decimals, else 0).
    #[arg(long)]
    atol: Option<f64>,
    /// Corrected labels: a JSONL of {id, answer, answer_status} (such as datasets/gold/audit.jsonl);
    /// the report then shows the accuracy against both the corrected and the dataset's own labels.
    #[arg(long, value_name = "FILE")]
    labels: Option<PathBuf>,
    /// The run directory: results.jsonl, run.json, metrics.json, report.md, report.html and
    /// problems/ (created if needed).
    #[arg(short = 'o', long = "out", alias = "run-dir", value_name = "DIR", default_value = "runs/bench")]
    run_dir: PathBuf,
    /// Continue an existing run directory, skipping finished problems; problems whose last
    /// line is `llm-error` or `timeout` are run again (the new line wins).
    #[arg(long)]
    resume: bool,
    /// With --resume, keep `llm-error` and `timeout` lines instead of retrying them.
    #[arg(long, requires = "resume")]
    keep_failures: bool,
    /// With --resume, continue a run directory made with a different selection, model,
    /// prompts or sampling (its `run.json` says which); their lines are then scored together.
    #[arg(long, requires = "resume")]
    force: bool,
    /// Also write JUnit XML here.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
}

fn percent(s: &str) -> Result<f64, String> {
    match s.trim_end_matches('%').parse::<f64>() {
        Ok(v) if (0.0..=100.0).contains(&v) => Ok(v),
        Ok(_) => Err("a percentage from 0 to 100 (e.g. 80 for 80 %)".into()),
        Err(_) => Err("a number, e.g. 80".into()),
    }
}

fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let (k, n) = s.split_once('/').ok_or("write K/N, e.g. 3/8")?;
    let (k, n): (usize, usize) = (k.parse().map_err(|_| "K is a number")?, n.parse().map_err(|_| "N is a number")?);
    if k == 0 || k > n {
        return Err(format!("K must be in 1..={n}"));
    }
    Ok((k, n))
}

#[derive(Args, Debug)]
struct ScoreArgs {
    /// Run directories (their results.jsonl are merged).
    #[arg(required = true)]
    runs: Vec<PathBuf>,
    /// Compare with this baseline; exit 1 on a regression.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Allowed accuracy drop per dataset, in percentage points.
    #[arg(long, default_value_t = 0.0)]
    max_drop: f64,
    /// Exit 1 if any dataset's accuracy is below this, in percent (0–100), the unit of
    /// --max-drop and of the reports.
    #[arg(long, value_name = "PERCENT", value_parser = percent)]
    fail_under: Option<f64>,
    /// Record this run as the baseline.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct RenderArgs {
    /// The formulation file (JSON), or `-` for stdin.
    model: PathBuf,
    /// Output format.
    #[arg(long = "to", value_enum)]
    to: crate::render::Format,
    /// Write to this file instead of stdout.
    #[arg(short, long = "out", alias = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Use this minijinja template instead of the built-in one.
    #[arg(long, value_name = "PATH")]
    template: Option<PathBuf>,
    #[command(flatten)]
    input: InputArgs,
}

#[derive(Args, Debug)]
struct CheckArgs {
    /// The formulation file (JSON), or `-` for stdin.
    model: PathBuf,
    /// Print one JSON document on stdout instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    input: InputArgs,
}

const LIMITS_HELP: &str = "Raise a size limit: NAME=VALUE, repeatable (e.g. --max rows=5e7). Limits and defaults:";

/// Where a formulation may read data files from, and the size limits it is checked under.
#[derive(Args, Debug, Clone, Default)]
struct InputArgs {
    /// Folder that data files named in a formulation are read from (run/check/render: the
    /// model file's folder by default; solve/formulate/bench: none, so an LLM's formulation
    /// reads no file unless you pass this). Nothing outside it is read: no absolute paths,
    /// `..` or symbolic links out.
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[arg(long = "max", value_name = "NAME=VALUE", help = LIMITS_HELP, long_help = limits_long_help())]
    limits: Vec<String>,
}

fn limits_long_help() -> String {
    format!("{LIMITS_HELP}\n{}", Limits::table())
}

impl InputArgs {
    /// The load options these flags ask for; `Err` is a usage error to print.
    fn options(&self, default_data: DataAccess) -> Result<crate::model::Options, String> {
        let mut limits = Limits::default();
        for l in &self.limits {
            limits.set(l).map_err(|e| format!("--max {l}: {e}"))?;
        }
        let data = match &self.data_dir {
            Some(dir) if dir.is_dir() => DataAccess::Within(dir.clone()),
            Some(dir) => return Err(format!("--data-dir {}: not a folder", dir.display())),
            None => default_data,
        };
        Ok(crate::model::Options { data, limits, ..Default::default() })
    }
}

#[derive(Args, Debug)]
struct RunArgs {
    /// The formulation file (JSON), or `-` for stdin.
    model: PathBuf,
    /// Print one JSON document on stdout instead of text.
    #[arg(long)]
    json: bool,
    /// Stop after this many seconds (the best point found is reported). Default: none.
    #[arg(long, value_name = "SECONDS", value_parser = llm::parse_seconds)]
    time_limit: Option<f64>,
    /// Relative MIP gap at which HiGHS may stop; the default proves the optimum (HiGHS's own
    /// default, 1e-4, can stop at a merely good point). A gap that is not zero is shown.
    #[arg(long, value_name = "GAP", default_value = llm::EXACT_GAP_FLAG, value_parser = llm::parse_gap)]
    mip_gap: f64,
    /// Threads HiGHS may use.
    #[arg(long)]
    threads: Option<u32>,
    /// HiGHS random seed.
    #[arg(long)]
    seed: Option<i32>,
    /// Feasibility tolerance for verification, relative to max(1, |rhs|).
    #[arg(long, default_value_t = 1e-6)]
    tolerance: f64,
    /// List variables that are zero too, and the auxiliary columns and rows of reformulations.
    #[arg(long)]
    all: bool,
    /// Show the auxiliary columns and rows that `abs`, `max`, logic, … were reformulated into,
    /// and every big-M used (derived from bounds; `--json` always carries them).
    #[arg(long)]
    explain: bool,
    /// Show HiGHS's log (on stderr, so --json stays clean).
    #[arg(long)]
    verbose: bool,
    /// Also write the solution as CSV files into this folder (created if needed): one per
    /// variable (index columns named after its sets, `value`, and `reduced_cost` for an LP)
    /// and one per constraint (its keys, `activity`, `dual` for an LP, and `slack`).
    #[arg(long, value_name = "DIR")]
    csv: Option<PathBuf>,
    #[command(flatten)]
    input: InputArgs,
}

pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { exit::USAGE } else { exit::OK };
            let _ = e.print();
            return code;
        }
    };
    // Checking, compiling, verifying and rendering recurse over expression trees; their depth
    // is bounded by `--max depth`, and this thread's stack is sized for that bound.
    match crate::check::on_large_stack(move || dispatch(cli.command)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: cannot start a worker thread: {e}");
            exit::SOLVER_ERROR
        }
    }
}

fn dispatch(command: Command) -> i32 {
    match command {
        Command::Check(a) => check(a),
        Command::Run(a) => run(a),
        Command::Render(a) => render(a),
        Command::Solve(a) => llm::solve(a),
        Command::Datasets(a) => bench::datasets(a),
        Command::Bench(a) => bench::bench(a),
        Command::Score(a) => bench::score(a),
        Command::Formulate(a) => llm::formulate(a),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut <Cli as clap::CommandFactory>::command(), "optform", &mut script);
            if report::out(&String::from_utf8_lossy(&script)) {
                exit::OK
            } else {
                exit::IO_ERROR
            }
        }
        Command::Schema(a) => schema(a),
        Command::Man => {
            let mut page = Vec::new();
            match clap_mangen::Man::new(<Cli as clap::CommandFactory>::command()).render(&mut page) {
                Ok(()) if report::out(&String::from_utf8_lossy(&page)) => exit::OK,
                _ => exit::IO_ERROR,
            }
        }
    }
}

/// Loads, checks and compiles a model file through the one driver; on errors prints them
/// (as JSON with `json`) and returns the exit code.
fn prepare(path: &std::path::Path, input: &InputArgs, json: bool) -> Result<Checked, i32> {
    let opts = match input.options(DataAccess::BesideModel) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return Err(exit::USAGE);
        }
    };
    // `-` reads the formulation from stdin; it has no folder, so it reads data files only
    // from a folder named with --data-dir.
    let stdin_text;
    let source = if path.as_os_str() == "-" {
        stdin_text = match read_stdin(opts.limits.model_bytes) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: cannot read the formulation from stdin: {e}");
                return Err(exit::USAGE);
            }
        };
        Source::Text { text: &stdin_text, origin: "<stdin>" }
    } else {
        Source::File(path)
    };
    check_source(source, &opts).map_err(|diags| {
        report::diagnostics(&diags, json);
        // A model file that cannot be read is a usage error, as an unreadable problem file is
        // for `solve`: the same failure has the same exit code in every command.
        if diags.0.iter().any(|d| d.code == crate::model::Code::Io) {
            exit::USAGE
        } else {
            exit::MODEL_ERROR
        }
    })
}

/// Standard input as text, refused past `limit` bytes.
fn read_stdin(limit: u64) -> Result<String, String> {
    use std::io::Read as _;
    let mut text = String::new();
    std::io::stdin().take(limit.saturating_add(1)).read_to_string(&mut text).map_err(|e| e.to_string())?;
    if text.len() as u64 > limit {
        return Err(format!("more than {limit} bytes; {}", crate::model::limits::raise_hint("model_bytes", limit)));
    }
    Ok(text)
}

fn check(a: CheckArgs) -> i32 {
    match prepare(&a.model, &a.input, a.json) {
        Ok(c) => {
            report::check_ok(&c.model, &c.compiled, &c.warnings, a.json);
            exit::OK
        }
        Err(code) => code,
    }
}

fn run(a: RunArgs) -> i32 {
    let checked = match prepare(&a.model, &a.input, a.json) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let Checked { model, compiled, warnings: diags, .. } = &checked;
    if !a.json && !diags.0.is_empty() {
        eprintln!("{diags}\n");
    }
    let opts = solve::Options {
        time_limit: a.time_limit,
        mip_gap: a.mip_gap,
        threads: a.threads,
        seed: a.seed,
        verbose: a.verbose,
        cancel: solve::Cancel::default(),
    };
    let outcome = solve::solve(compiled, &opts);
    let verification = solve::verify_outcome(model, compiled, &outcome, a.tolerance);
    // Why there is no answer, by name: the rows HiGHS's IIS names, the columns of the ray.
    const SHOWN: usize = 50;
    let conflict: Vec<String> = match outcome.status {
        Status::Infeasible => solve::conflicting_rows(compiled, &opts, solve::IisSearch::Irreducible)
            .into_iter()
            .take(SHOWN)
            .map(|r| compiled.row_name(model, r))
            .collect(),
        _ => Vec::new(),
    };
    let ray: Vec<String> = outcome.unbounded_columns.iter().take(SHOWN).map(|&c| compiled.col_name(model, c)).collect();
    let view = report::RunView {
        model,
        compiled,
        outcome: &outcome,
        verification: verification.as_ref(),
        diags,
        all: a.all,
        explain: a.explain,
        conflict: &conflict,
        ray: &ray,
    };
    let written = if a.json {
        match serde_json::to_string_pretty(&view.to_json()) {
            Ok(text) => report::out(&format!("{text}\n")),
            Err(e) => {
                eprintln!("error: cannot write the result as JSON: {e}");
                return exit::SOLVER_ERROR;
            }
        }
    } else {
        report::out(&view.to_text())
    };
    if !written {
        return exit::IO_ERROR;
    }
    if let Some(dir) = &a.csv {
        // Without a point there is nothing to tabulate: said on stderr, and the exit code
        // stays the solve's (infeasible, unbounded, …).
        match csv_out::write(dir, model, compiled, &outcome) {
            Ok(_) => {}
            Err(e) if outcome.x.is_none() => eprintln!("note: --csv {}: {e}", dir.display()),
            Err(e) => {
                eprintln!("error: {e}");
                return exit::IO_ERROR;
            }
        }
    }
    match outcome.status {
        Status::Optimal if verification.as_ref().is_some_and(|v| v.ok) => exit::OK,
        Status::Optimal => exit::NOT_VERIFIED,
        Status::Infeasible => exit::INFEASIBLE,
        Status::Unbounded | Status::InfeasibleOrUnbounded => exit::UNBOUNDED,
        Status::TimeLimit | Status::IterationLimit | Status::Stopped => exit::LIMIT,
        Status::Error => exit::SOLVER_ERROR,
    }
}

fn render(a: RenderArgs) -> i32 {
    let checked = match prepare(&a.model, &a.input, false) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let template = match &a.template {
        Some(p) => match std::fs::read_to_string(p) {
            Ok(t) => Some(t),
            Err(e) => {
                eprintln!("error: cannot read template {}: {e}", p.display());
                return exit::USAGE;
            }
        },
        None => None,
    };
    let text =
        match crate::render::render(&checked.formulation, &checked.model, &checked.compiled, a.to, template.as_deref())
        {
            Ok(text) => text,
            Err(e) => {
                eprintln!("error: {e}");
                return exit::MODEL_ERROR;
            }
        };
    write_output(a.output.as_deref(), &text)
}

fn schema(a: SchemaArgs) -> i32 {
    let text = serde_json::to_string_pretty(&crate::model::schema::editor_schema()).expect("serializable") + "\n";
    write_output(a.out.as_deref(), &text)
}

/// Writes a command's document to `-o FILE`, or to stdout; the exit code says whether it was.
fn write_output(path: Option<&std::path::Path>, text: &str) -> i32 {
    match path {
        Some(path) => match std::fs::write(path, text) {
            Ok(()) => exit::OK,
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", path.display());
                exit::IO_ERROR
            }
        },
        None if report::out(text) => exit::OK,
        None => exit::IO_ERROR,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every argument of every command, the positionals included, explains itself in `--help`.
    #[test]
    fn every_option_of_every_command_has_help_text() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
                if arg.get_help().is_none() && arg.get_long_help().is_none() {
                    missing.push(format!(
                        "{path} {}",
                        arg.get_long().map_or_else(|| arg.get_id().to_string(), |l| format!("--{l}"))
                    ));
                }
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let mut cmd = <Cli as clap::CommandFactory>::command();
        cmd.build();
        let mut missing = Vec::new();
        walk(&cmd, "optform", &mut missing);
        assert!(missing.is_empty(), "arguments without help: {missing:?}");
        assert!(cmd.get_subcommands().count() >= 11, "the walk sees every command");
    }

    /// `-o/--out` names what a command writes, in every command that writes something; the
    /// old names still parse.
    #[test]
    fn every_command_that_writes_takes_out_and_the_old_names_still_work() {
        for args in [
            &["optform", "render", "m.json", "--to", "lp", "-o", "x"][..],
            &["optform", "render", "m.json", "--to", "lp", "--output", "x"],
            &["optform", "formulate", "p.txt", "--out", "x"],
            &["optform", "formulate", "p.txt", "--output", "x"],
            &["optform", "solve", "p.txt", "-o", "x"],
            &["optform", "bench", "nl4opt", "-o", "x"],
            &["optform", "bench", "nl4opt", "--run-dir", "x"],
            &["optform", "schema", "--out", "x"],
        ] {
            let cli = Cli::try_parse_from(args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
            let out = match cli.command {
                Command::Render(a) => a.output,
                Command::Formulate(a) => a.output,
                Command::Solve(a) => a.out,
                Command::Bench(a) => Some(a.run_dir),
                Command::Schema(a) => a.out,
                _ => None,
            };
            assert_eq!(out, Some(PathBuf::from("x")), "{args:?}");
        }
    }
}
