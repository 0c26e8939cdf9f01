use super::*;
use proptest::prelude::*;

fn roundtrip(src: &str) -> String {
    parse_expr(src).unwrap().to_string()
}

#[test]
fn sum_takes_the_product_that_follows() {
    let e = parse_expr("sum{i in I} a[i]*x[i] + 5").unwrap();
    let ExprKind::Binary { op: BinOp::Add, lhs, .. } = e.kind else { panic!("{e:?}") };
    assert!(matches!(lhs.kind, ExprKind::Sum { .. }));
}

#[test]
fn precedence_and_associativity() {
    assert_eq!(roundtrip("a - (b - c)"), "a - (b - c)");
    assert_eq!(roundtrip("(a - b) - c"), "a - b - c");
    assert_eq!(roundtrip("2^3^2"), "2^3^2");
    assert_eq!(roundtrip("(2^3)^2"), "(2^3)^2");
    assert_eq!(roundtrip("-x^2"), "-x^2");
    assert_eq!(roundtrip("(-x)^2"), "(-x)^2");
    assert_eq!(roundtrip("a ** 2"), "a^2");
    assert_eq!(roundtrip("2 * (x + y) / 3"), "2*(x + y)/3");
}

#[test]
fn ranges_tuples_filters() {
    let ix = parse_indexing("i in I, (j,k) in Arcs, t in 1..T-1: i != j and t > 1").unwrap();
    assert_eq!(ix.bindings.len(), 3);
    assert_eq!(ix.bindings[1].names.len(), 2);
    assert!(matches!(ix.bindings[2].set.kind, SetKind::Range(..)));
    assert!(ix.filter.is_some());
    assert_eq!(ix.to_string(), "i in I, (j,k) in Arcs, t in 1..T - 1: i != j and t > 1");
    let anon = parse_indexing("Products").unwrap();
    assert!(anon.bindings[0].names.is_empty());
}

#[test]
fn membership_and_if() {
    assert_eq!(roundtrip("if (i,j) in Arcs then c[i,j] else 0"), "if (i,j) in Arcs then c[i,j] else 0");
    assert_eq!(
        roundtrip("(if t == first(T) then 0 else inv[t-1]) + x"),
        "(if t == first(T) then 0 else inv[t - 1]) + x"
    );
}

#[test]
fn relations() {
    let r = parse_relation("10 <= sum{p in P} make[p] <= 50").unwrap();
    assert_eq!(r.ops.len(), 2);
    let r = parse_relation("2*x + 3*y = 12").unwrap();
    assert_eq!(r.ops[0].0, RelOp::Eq);
    assert_eq!(r.to_string(), "2*x + 3*y == 12");
}

#[test]
fn numbers_and_literals() {
    assert_eq!(roundtrip("1e3 + 0.25 + .5"), "1000 + 0.25 + 0.5");
    assert_eq!(roundtrip("x['chair'] + y[\"o'neil\"]"), "x['chair'] + y[\"o'neil\"]");
    let ix = parse_indexing("t in 1..12").unwrap();
    assert_eq!(ix.to_string(), "t in 1..12");
}

#[test]
fn errors_point_at_the_problem() {
    let e = parse_expr("2 x").unwrap_err();
    assert_eq!(e.span, Span::new(2, 3));
    assert_eq!((e.span.start, e.span.end), (2, 3));
    assert!(e.help.unwrap().contains("operator"));
    let e = parse_expr("sum{i in I x[i]").unwrap_err();
    assert_eq!(e.span.start, 11);
    let e = parse_relation("x + y").unwrap_err();
    assert!(e.message.contains("comparison"), "{}", e.message);
    let e = parse_expr("x[1").unwrap_err();
    assert!(e.message.contains("`]`"), "{}", e.message);
    let e = parse_expr("'abc").unwrap_err();
    assert!(e.message.contains("unterminated"));
}

// ---- round trip: print → parse gives the same tree ----

fn sp() -> Span {
    Span::default()
}
fn node(kind: ExprKind) -> Expr {
    Expr { kind, span: sp() }
}

fn name() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["x", "y", "cost", "i", "j", "T"]).prop_map(String::from)
}

fn set_expr() -> impl Strategy<Value = SetExpr> {
    prop_oneof![
        prop::sample::select(vec!["I", "J", "Arcs"])
            .prop_map(|n| SetExpr { kind: SetKind::Named(n.into()), span: sp() }),
        (1u32..5, name()).prop_map(|(a, b)| SetExpr {
            kind: SetKind::Range(Box::new(node(ExprKind::Num(a as f64))), Box::new(node(ExprKind::Name(b)))),
            span: sp()
        }),
    ]
}

fn indexing(inner: BoxedStrategy<Expr>) -> impl Strategy<Value = Indexing> {
    let binding = (prop::collection::vec(prop::sample::select(vec!["i", "j", "k"]), 1..3), set_expr())
        .prop_map(|(names, set)| Binding { names: names.into_iter().map(|n| (n.to_string(), sp())).collect(), set });
    (prop::collection::vec(binding, 1..3), prop::option::of(inner)).prop_map(|(bindings, filter)| Indexing {
        bindings,
        filter: filter.map(Box::new),
        span: sp(),
    })
}

fn expr() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        (0u32..1000).prop_map(|n| node(ExprKind::Num(n as f64))),
        (0u32..100).prop_map(|n| node(ExprKind::Num(n as f64 / 8.0))),
        name().prop_map(|n| node(ExprKind::Name(n))),
        prop::sample::select(vec!["chair", "a b"]).prop_map(|s| node(ExprKind::Str(s.into()))),
        Just(node(ExprKind::Inf)),
    ];
    leaf.prop_recursive(5, 40, 3, |inner| {
        let ops = prop::sample::select(vec![
            BinOp::Add,
            BinOp::Sub,
            BinOp::Mul,
            BinOp::Div,
            BinOp::Pow,
            BinOp::Eq,
            BinOp::Ne,
            BinOp::Lt,
            BinOp::Le,
            BinOp::Gt,
            BinOp::Ge,
            BinOp::And,
            BinOp::Or,
        ]);
        prop_oneof![
            (ops, inner.clone(), inner.clone()).prop_map(|(op, l, r)| node(ExprKind::Binary {
                op,
                lhs: Box::new(l),
                rhs: Box::new(r)
            })),
            inner.clone().prop_map(|a| node(ExprKind::Neg(Box::new(a)))),
            inner.clone().prop_map(|a| node(ExprKind::Not(Box::new(a)))),
            (name(), prop::collection::vec(inner.clone(), 1..3)).prop_map(|(name, args)| node(ExprKind::Index {
                name,
                name_span: sp(),
                args
            })),
            (prop::sample::select(vec!["max", "card", "ord"]), prop::collection::vec(inner.clone(), 1..3))
                .prop_map(|(f, args)| node(ExprKind::Call { func: f.into(), args })),
            (indexing(inner.clone().boxed()), inner.clone())
                .prop_map(|(over, b)| node(ExprKind::Sum { over, body: Box::new(b) })),
            (inner.clone(), inner.clone(), inner.clone()).prop_map(|(c, t, o)| node(ExprKind::If {
                cond: Box::new(c),
                then: Box::new(t),
                otherwise: Box::new(o)
            })),
            (prop::collection::vec(inner.clone(), 1..3), set_expr())
                .prop_map(|(items, set)| node(ExprKind::In { items, set })),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn print_then_parse_is_identity(e in expr()) {
        let printed = e.to_string();
        let reparsed = parse_expr(&printed).map_err(|err| TestCaseError::fail(format!("{printed}: {err:?}")))?;
        prop_assert_eq!(&reparsed, &e, "printed as {}", printed);
    }
}
