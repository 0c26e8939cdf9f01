//! Model-building cost at scale, phase by phase, beside the floor: the same arrays built
//! directly in Rust and handed to HiGHS through the same call (`Highs_passModel`).
//!
//!     cargo bench --bench compile            # all sizes
//!     cargo bench --bench compile -- quick   # n = 100, 300 only
//!
//! Data files are generated under target/bench-data. Nothing is solved: the point is what
//! it costs to get a model *into* the solver.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use optform::compile::{compile, Compiled, CONTINUOUS, INTEGER};
use optform::model::{build, load_file, Sense};
use optform::solve::Highs;

/// Deterministic pseudo-random data (xorshift), so every run builds the same models.
struct Rng(u64);
impl Rng {
    fn next(&mut self, lo: u32, hi: u32) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        lo + (self.0 % u64::from(hi - lo + 1)) as u32
    }
}

/// The generated data is deterministic, so a file written by an earlier run is reused.
fn write_once(path: impl AsRef<Path>, text: impl AsRef<[u8]>) -> std::io::Result<()> {
    if path.as_ref().exists() {
        return Ok(());
    }
    std::fs::write(path, text)
}

// ---------- transportation: n sources × n destinations ----------

struct Transport {
    n: usize,
    cost: Vec<u32>,
    supply: Vec<u32>,
    demand: Vec<u32>,
}

fn transport_data(n: usize) -> Transport {
    let mut r = Rng(42 + n as u64);
    let cost = (0..n * n).map(|_| r.next(1, 99)).collect();
    let demand: Vec<u32> = (0..n).map(|_| r.next(10, 50)).collect();
    let supply = (0..n).map(|_| r.next(30, 70)).collect();
    Transport { n, cost, supply, demand }
}

fn names(prefix: &str, n: usize) -> String {
    (0..n).map(|i| format!("\"{prefix}{i}\"")).collect::<Vec<_>>().join(",")
}

fn array(v: &[u32]) -> String {
    let mut s = String::from("[");
    for (k, x) in v.iter().enumerate() {
        if k > 0 {
            s.push(',');
        }
        write!(s, "{x}").unwrap();
    }
    s.push(']');
    s
}

const TRANSPORT_BODY: &str = r#""variables": { "x": { "over": ["S", "D"] } },
  "objective": { "sense": "minimize", "expression": "sum{i in S, j in D} cost[i,j] * x[i,j]" },
  "constraints": {
    "supply": { "forall": "i in S", "expression": "sum{j in D} x[i,j] <= supply[i]" },
    "demand": { "forall": "j in D", "expression": "sum{i in S} x[i,j] >= demand[j]" }
  }"#;

fn write_transport(dir: &Path, t: &Transport) -> (PathBuf, PathBuf) {
    let n = t.n;
    let rows: Vec<String> = (0..n).map(|i| array(&t.cost[i * n..(i + 1) * n])).collect();
    let inline = format!(
        "{{\n  \"name\": \"transport_{n}\",\n  \"sets\": {{ \"S\": [{}], \"D\": [{}] }},\n  \"parameters\": {{\n    \"cost\": {{ \"over\": [\"S\",\"D\"], \"values\": [{}] }},\n    \"supply\": {{ \"over\": [\"S\"], \"values\": {} }},\n    \"demand\": {{ \"over\": [\"D\"], \"values\": {} }}\n  }},\n  {TRANSPORT_BODY}\n}}\n",
        names("s", n), names("d", n), rows.join(",\n"), array(&t.supply), array(&t.demand)
    );
    let inline_path = dir.join(format!("transport_{n}.json"));
    write_once(&inline_path, inline).unwrap();
    let mut csv = String::from("src,dst,cost\n");
    for i in 0..n {
        for j in 0..n {
            writeln!(csv, "s{i},d{j},{}", t.cost[i * n + j]).unwrap();
        }
    }
    write_once(dir.join(format!("transport_{n}_cost.csv")), csv).unwrap();
    let csv_model = format!(
        "{{\n  \"name\": \"transport_{n}_csv\",\n  \"sets\": {{ \"S\": [{}], \"D\": [{}] }},\n  \"parameters\": {{\n    \"cost\": {{ \"over\": [\"S\",\"D\"], \"file\": \"transport_{n}_cost.csv\", \"column\": \"cost\" }},\n    \"supply\": {{ \"over\": [\"S\"], \"values\": {} }},\n    \"demand\": {{ \"over\": [\"D\"], \"values\": {} }}\n  }},\n  {TRANSPORT_BODY}\n}}\n",
        names("s", n), names("d", n), array(&t.supply), array(&t.demand)
    );
    let csv_path = dir.join(format!("transport_{n}_csv.json"));
    write_once(&csv_path, csv_model).unwrap();
    (inline_path, csv_path)
}

/// The floor: the transportation arrays built directly (row-wise, as optform emits them).
fn transport_floor(t: &Transport) -> Compiled {
    let n = t.n;
    let mut c = Compiled { sense: Some(Sense::Minimize), ..Default::default() };
    c.col_cost = t.cost.iter().map(|&x| f64::from(x)).collect();
    c.col_lower = vec![0.0; n * n];
    c.col_upper = vec![f64::INFINITY; n * n];
    c.integrality = vec![CONTINUOUS; n * n];
    c.row_start.reserve(2 * n + 1);
    c.row_index.reserve(2 * n * n);
    c.row_value.reserve(2 * n * n);
    c.row_start.push(0);
    for i in 0..n {
        c.row_index.extend((i * n..(i + 1) * n).map(|k| k as i32));
        c.row_value.extend(std::iter::repeat_n(1.0, n));
        c.row_start.push(c.row_index.len() as i32);
        c.row_lower.push(f64::NEG_INFINITY);
        c.row_upper.push(f64::from(t.supply[i]));
    }
    for j in 0..n {
        c.row_index.extend((0..n).map(|i| (i * n + j) as i32));
        c.row_value.extend(std::iter::repeat_n(1.0, n));
        c.row_start.push(c.row_index.len() as i32);
        c.row_lower.push(f64::from(t.demand[j]));
        c.row_upper.push(f64::INFINITY);
    }
    c
}

// ---------- facility location: m facilities × n customers ----------

struct Facility {
    m: usize,
    n: usize,
    fixed: Vec<u32>,
    capacity: Vec<u32>,
    demand: Vec<u32>,
    cost: Vec<u32>,
}

fn facility_data(m: usize, n: usize) -> Facility {
    let mut r = Rng(7 + (m * n) as u64);
    Facility {
        m,
        n,
        fixed: (0..m).map(|_| r.next(500, 1500)).collect(),
        capacity: (0..m).map(|_| r.next(200, 800)).collect(),
        demand: (0..n).map(|_| r.next(5, 35)).collect(),
        cost: (0..m * n).map(|_| r.next(1, 99)).collect(),
    }
}

const FACILITY_BODY: &str = r#""variables": { "open": { "over": ["F"], "type": "binary" }, "serve": { "over": ["F", "C"], "upper": 1 } },
  "objective": { "sense": "minimize", "expression": "sum{f in F} fixed[f] * open[f] + sum{f in F, c in C} cost[f,c] * demand[c] * serve[f,c]" },
  "constraints": {
    "served": { "forall": "c in C", "expression": "sum{f in F} serve[f,c] == 1" },
    "capacity": { "forall": "f in F", "expression": "sum{c in C} demand[c] * serve[f,c] <= capacity[f] * open[f]" },
    "link": { "forall": "f in F, c in C", "expression": "serve[f,c] <= open[f]" }
  }"#;

fn write_facility(dir: &Path, d: &Facility) -> (PathBuf, PathBuf) {
    let (m, n) = (d.m, d.n);
    let rows: Vec<String> = (0..m).map(|f| array(&d.cost[f * n..(f + 1) * n])).collect();
    let head = |name: &str, cost: String| {
        format!(
            "{{\n  \"name\": \"{name}\",\n  \"sets\": {{ \"F\": [{}], \"C\": [{}] }},\n  \"parameters\": {{\n    \"fixed\": {{ \"over\": [\"F\"], \"values\": {} }},\n    \"capacity\": {{ \"over\": [\"F\"], \"values\": {} }},\n    \"demand\": {{ \"over\": [\"C\"], \"values\": {} }},\n    \"cost\": {cost}\n  }},\n  {FACILITY_BODY}\n}}\n",
            names("f", m), names("c", n), array(&d.fixed), array(&d.capacity), array(&d.demand)
        )
    };
    let inline_path = dir.join(format!("facility_{m}x{n}.json"));
    write_once(
        &inline_path,
        head(
            &format!("facility_{m}x{n}"),
            format!("{{ \"over\": [\"F\",\"C\"], \"values\": [{}] }}", rows.join(",\n")),
        ),
    )
    .unwrap();
    let mut csv = String::from("facility,customer,cost\n");
    for f in 0..m {
        for c in 0..n {
            writeln!(csv, "f{f},c{c},{}", d.cost[f * n + c]).unwrap();
        }
    }
    write_once(dir.join(format!("facility_{m}x{n}_cost.csv")), csv).unwrap();
    let csv_path = dir.join(format!("facility_{m}x{n}_csv.json"));
    let cost = format!("{{ \"over\": [\"F\",\"C\"], \"file\": \"facility_{m}x{n}_cost.csv\", \"column\": \"cost\" }}");
    write_once(&csv_path, head(&format!("facility_{m}x{n}_csv"), cost)).unwrap();
    (inline_path, csv_path)
}

fn facility_floor(d: &Facility) -> Compiled {
    let (m, n) = (d.m, d.n);
    let ncol = m + m * n;
    let serve = |f: usize, c: usize| (m + f * n + c) as i32;
    let mut k = Compiled { sense: Some(Sense::Minimize), ..Default::default() };
    k.col_cost = Vec::with_capacity(ncol);
    k.col_cost.extend(d.fixed.iter().map(|&x| f64::from(x)));
    for f in 0..m {
        k.col_cost.extend((0..n).map(|c| f64::from(d.cost[f * n + c]) * f64::from(d.demand[c])));
    }
    k.col_lower = vec![0.0; ncol];
    k.col_upper = vec![1.0; ncol];
    k.integrality = vec![CONTINUOUS; ncol];
    k.integrality[..m].fill(INTEGER);
    k.row_start.push(0);
    let row = |k: &mut Compiled, entries: &mut dyn Iterator<Item = (i32, f64)>, lo: f64, hi: f64| {
        for (i, v) in entries {
            k.row_index.push(i);
            k.row_value.push(v);
        }
        k.row_start.push(k.row_index.len() as i32);
        k.row_lower.push(lo);
        k.row_upper.push(hi);
    };
    for c in 0..n {
        row(&mut k, &mut (0..m).map(|f| (serve(f, c), 1.0)), 1.0, 1.0);
    }
    for f in 0..m {
        let mut it =
            (0..n).map(|c| (serve(f, c), f64::from(d.demand[c]))).chain([(f as i32, -f64::from(d.capacity[f]))]);
        row(&mut k, &mut it, f64::NEG_INFINITY, 0.0);
    }
    for f in 0..m {
        for c in 0..n {
            row(&mut k, &mut [(serve(f, c), 1.0), (f as i32, -1.0)].into_iter(), f64::NEG_INFINITY, 0.0);
        }
    }
    k
}

// ---------- measurement ----------

fn secs(t: Instant) -> f64 {
    t.elapsed().as_secs_f64()
}

/// Peak resident memory of this process so far (VmHWM), in MiB.
fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

fn hand_off(c: &Compiled) -> (f64, Highs) {
    let t = Instant::now();
    let mut h = Highs::new(false);
    h.pass(c).expect("HiGHS accepts the model");
    (secs(t), h)
}

/// The options the CLI loads a model file with. The stages are called one by one (rather
/// than through `optform::check::check`) so that each is timed on its own.
fn beside_model() -> optform::model::Options {
    optform::model::Options { data: optform::model::DataAccess::BesideModel, ..Default::default() }
}

/// One run of the optform pipeline on a model file: (read, check, compile, hand-off) seconds.
fn ours(path: &Path) -> ([f64; 4], Compiled, Highs) {
    let t = Instant::now();
    let (f, d) = load_file(path, &beside_model());
    let f = f.unwrap_or_else(|| panic!("{d}"));
    let read = secs(t);
    let t = Instant::now();
    let (model, d) = build(&f);
    let model = model.unwrap_or_else(|| panic!("{d}"));
    let check = secs(t);
    // As in the CLI, the file's JSON is gone once the model is built.
    drop(f);
    let t = Instant::now();
    let (c, d) = compile(&model);
    let c = c.unwrap_or_else(|| panic!("{d}"));
    let comp = secs(t);
    let (hand, h) = hand_off(&c);
    ([read, check, comp, hand], c, h)
}

struct Case {
    name: String,
    path: PathBuf,
    floor: Box<dyn Fn() -> Compiled>,
    reps: usize,
}

struct Row {
    case: String,
    cols: usize,
    nnz: usize,
    phases: [f64; 4],
    floor_build: f64,
    floor_handoff: f64,
    ours_peak: f64,
    ours_highs: f64,
    floor_peak: f64,
    floor_highs: f64,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

/// Timings: one warm-up of each side, then alternating repetitions; medians.
fn time_case(case: &Case) -> Row {
    let mut phases: [Vec<f64>; 4] = Default::default();
    let (mut fb, mut fh) = (Vec::new(), Vec::new());
    let (mut cols, mut nnz) = (0, 0);
    for rep in 0..=case.reps {
        let (p, c, h) = ours(&case.path);
        drop(h);
        (cols, nnz) = (c.num_cols(), c.num_nonzeros());
        drop(c);
        let t = Instant::now();
        let fc = (case.floor)();
        let build = secs(t);
        assert_eq!((fc.num_cols(), fc.num_nonzeros()), (cols, nnz), "{}: the floor builds the same model", case.name);
        let (hand, h) = hand_off(&fc);
        drop((h, fc));
        if rep > 0 {
            for k in 0..4 {
                phases[k].push(p[k]);
            }
            fb.push(build);
            fh.push(hand);
        }
    }
    Row {
        case: case.name.clone(),
        cols,
        nnz,
        phases: phases.map(median),
        floor_build: median(fb),
        floor_handoff: median(fh),
        ours_peak: 0.0,
        ours_highs: 0.0,
        floor_peak: 0.0,
        floor_highs: 0.0,
    }
}

/// Memory in a fresh process per side: peak before the hand-off, and what the hand-off adds.
fn child(case: &Case, side: &str) {
    let before;
    let h = if side == "ours" {
        let (f, _) = load_file(&case.path, &beside_model());
        let (model, _) = build(&f.unwrap());
        let (c, _) = compile(&model.unwrap());
        before = peak_mib();
        hand_off(&c.unwrap()).1
    } else {
        let c = (case.floor)();
        before = peak_mib();
        hand_off(&c).1
    };
    println!("{before} {}", peak_mib() - before);
    drop(h);
}

fn memory(index: usize, side: &str) -> (f64, f64) {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["child", &index.to_string(), side])
        .args(std::env::args().skip(1).filter(|a| a == "quick"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let mut it = text.split_whitespace().map(|x| x.parse::<f64>().unwrap_or(f64::NAN));
    (it.next().unwrap_or(f64::NAN), it.next().unwrap_or(f64::NAN))
}

/// The benchmark's models; each is generated only when measured (a child process measuring
/// memory builds just its own, so other cases' data do not count against it).
#[derive(Clone, Copy)]
enum Spec {
    Transport { n: usize, csv: bool },
    Facility { m: usize, n: usize, csv: bool },
}

fn specs(quick: bool) -> Vec<Spec> {
    let mut out = Vec::new();
    let sizes: &[usize] = if quick { &[100, 300] } else { &[100, 300, 1000] };
    for &n in sizes {
        out.extend([Spec::Transport { n, csv: false }, Spec::Transport { n, csv: true }]);
    }
    let fl: &[(usize, usize)] = if quick { &[(50, 200)] } else { &[(50, 200), (100, 1000)] };
    for &(m, n) in fl {
        out.extend([Spec::Facility { m, n, csv: false }, Spec::Facility { m, n, csv: true }]);
    }
    out
}

fn make(spec: Spec) -> Case {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let tag = |csv: bool| if csv { " (CSV)" } else { "" };
    match spec {
        Spec::Transport { n, csv } => {
            let t = transport_data(n);
            let (inline, csv_path) = write_transport(&dir, &t);
            Case {
                name: format!("transport {n}×{n}{}", tag(csv)),
                path: if csv { csv_path } else { inline },
                floor: Box::new(move || transport_floor(&t)),
                reps: if n >= 1000 { 5 } else { 9 },
            }
        }
        Spec::Facility { m, n, csv } => {
            let d = facility_data(m, n);
            let (inline, csv_path) = write_facility(&dir, &d);
            Case {
                name: format!("facility {m}×{n}{}", tag(csv)),
                path: if csv { csv_path } else { inline },
                floor: Box::new(move || facility_floor(&d)),
                reps: 5,
            }
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "quick");
    if let Some(k) = args.iter().position(|a| a == "child") {
        let index: usize = args[k + 1].parse().unwrap();
        child(&make(specs(quick)[index]), &args[k + 2]);
        return;
    }
    if let Some(k) = args.iter().position(|a| a == "profile-compile") {
        // For profilers: compile one model file repeatedly.
        let (f, _) = load_file(Path::new(&args[k + 1]), &beside_model());
        let (model, _) = build(&f.unwrap());
        let model = model.unwrap();
        for _ in 0..20 {
            let t = Instant::now();
            let (c, _) = compile(&model);
            eprintln!("compile {:.1} ms, {} non-zeros", secs(t) * 1e3, c.unwrap().num_nonzeros());
        }
        return;
    }
    // `-- only transport` runs the cases whose name contains the word.
    let only = args.iter().position(|a| a == "only").and_then(|k| args.get(k + 1)).cloned();
    println!("| model | columns | non-zeros | (a) read | (b) check | (c) compile | (d) hand-off | floor: build + hand-off | (c)+(d) ÷ floor | (a)–(d) ÷ floor | peak MiB before hand-off: ours / floor | HiGHS's copy MiB |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (k, spec) in specs(quick).into_iter().enumerate() {
        let case = make(spec);
        if only.as_ref().is_some_and(|w| !case.name.contains(w.as_str())) {
            continue;
        }
        let mut r = time_case(&case);
        (r.ours_peak, r.ours_highs) = memory(k, "ours");
        (r.floor_peak, r.floor_highs) = memory(k, "floor");
        let floor = r.floor_build + r.floor_handoff;
        let ms = |s: f64| format!("{:.1} ms", s * 1e3);
        let [a, b, c, d] = r.phases;
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} + {} | {:.2}× | {:.2}× | {:.0} / {:.0} | {:.0} |",
            r.case,
            r.cols,
            r.nnz,
            ms(a),
            ms(b),
            ms(c),
            ms(d),
            ms(r.floor_build),
            ms(r.floor_handoff),
            (c + d) / floor,
            (a + b + c + d) / floor,
            r.ours_peak,
            r.floor_peak,
            r.ours_highs.max(r.floor_highs)
        );
    }
}
