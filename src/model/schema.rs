//! The JSON Schema of a model file, for editors (`optform schema`). It describes every form
//! the loader accepts, with a description on each key for hover help. It is a superset of
//! the schema the LLM is constrained by (`crate::llm::schema`), which stays narrow and
//! bounded on purpose; this one is kept separate so that editor help never changes what a
//! model is asked for, nor the recorded answers keyed by it.
//!
//! The schema checks shape only. Names, sets, data and degrees are `optform check`'s job.

use serde_json::{json, Value};

/// A case-insensitive pattern for `words` as the loader reads them (`_` and `-` ignored),
/// so that `"Integer"` or `"semi_continuous"` validate as they load.
fn loose_words(words: &[&str]) -> String {
    let alternatives: Vec<String> = words
        .iter()
        .map(|w| w.chars().map(|c| format!("[{}{}][-_]*", c.to_ascii_lowercase(), c.to_ascii_uppercase())).collect())
        .collect();
    format!("^[-_]*({})$", alternatives.join("|"))
}

/// One of `canonical` (offered by editors' completion), or any spelling the loader accepts.
fn keyword(canonical: &[&str], accepted: &[&str], description: &str) -> Value {
    json!({
        "description": description,
        "anyOf": [
            { "type": "string", "enum": canonical },
            { "type": "string", "pattern": loose_words(accepted) },
        ],
    })
}

fn text(description: &str) -> Value {
    json!({ "type": "string", "description": description })
}

fn strings(description: &str) -> Value {
    json!({ "type": "array", "items": { "type": "string" }, "description": description })
}

fn map_of(description: &str, entry: Value) -> Value {
    json!({ "type": "object", "description": description, "additionalProperties": entry })
}

/// One objective (or, with the level keys, one level of a lexicographic list).
fn objective(level_keys: &[&str]) -> Value {
    let mut properties = json!({
        "sense": keyword(
            &["minimize", "maximize"],
            &["minimize", "minimise", "min", "maximize", "maximise", "max"],
            "minimize or maximize",
        ),
        "expression": {
            "type": ["string", "number"],
            "description": "A linear expression (abs, max, min, count, pwl and products with binaries are reformulated), or a convex quadratic one for a continuous model (0 for a feasibility problem).",
        },
        "description": text("Free text documenting the objective."),
    });
    for key in level_keys {
        properties[*key] = match *key {
            "name" => text("The level's name (an identifier; default level1, level2, …)."),
            _ => {
                json!({ "type": "number", "minimum": 0, "description": "How far this level may move from its optimum when the next level is optimised." })
            }
        };
    }
    json!({ "type": "object", "properties": properties, "required": ["sense", "expression"], "additionalProperties": false })
}

pub fn editor_schema() -> Value {
    let element = json!({ "type": ["string", "integer"] });
    let over = json!({
        "description": "The index sets: [\"P\"], [\"r in R\", \"p in P\"] or [\"(i,j) in Arcs\"]; name an index to use it in an expression.",
        "anyOf": [ { "type": "string" }, { "type": "array", "items": { "type": "string" } } ],
    });
    let var_type = keyword(
        &["continuous", "integer", "binary", "semicontinuous", "semiinteger"],
        &[
            "continuous",
            "real",
            "float",
            "integer",
            "int",
            "general",
            "binary",
            "bool",
            "boolean",
            "semicontinuous",
            "semiinteger",
        ],
        "continuous (default), integer, binary, semicontinuous (0 or within [lower, upper]) or semiinteger (0 or an integer within them)",
    );
    let bound = json!({
        "description": "A number, or an expression over parameters and the indices of `over` (\"-inf\" for a free variable).",
        "type": ["number", "string", "null"],
    });
    let set = json!({
        "description": "A list of elements, a list of tuples, a definition (a range, a set-builder or set algebra), or a CSV file beside the model.",
        "anyOf": [
            { "type": "array", "items": { "anyOf": [ element.clone(), { "type": "array", "items": element } ] } },
            {
                "type": "string",
                "description": "An integer range \"1..12\" / \"1..N\", a set-builder \"{i in N, j in N: i != j}\" or \"{(j,i) : (i,j) in Arcs}\", or set algebra \"A union B\", \"A diff B\", \"A inter B\".",
            },
            {
                "type": "object",
                "properties": {
                    "file": text("A CSV file with a header row, relative to the model file's folder."),
                    "columns": strings("The columns that make one (tuple) element."),
                    "column": text("The column that makes one element."),
                },
                "required": ["file"],
                "additionalProperties": false,
            },
        ],
    });
    let parameter = json!({
        "anyOf": [
            { "type": "number", "description": "A scalar parameter." },
            { "type": "string", "description": "A computed scalar: an expression over other parameters." },
            {
                "type": "object",
                "properties": {
                    "over": over,
                    "values": { "description": "A nested map by element, or arrays in set order." },
                    "rows": {
                        "type": "array",
                        "items": { "type": "array" },
                        "description": "Rows of keys then the value: [[\"a\", \"x\", 4], ...].",
                    },
                    "default": { "type": ["number", "string"], "description": "The value of every entry without data (\"inf\" for no limit)." },
                    "expression": text("A computed parameter: an expression over other parameters and the indices of `over`."),
                    "file": text("A CSV or JSON file beside the model holding the data."),
                    "keys": strings("CSV: the key columns (default: the first columns)."),
                    "column": text("CSV: the value column (default: the parameter's name, or the only other column)."),
                    "description": text("Free text documenting the parameter."),
                },
                "additionalProperties": false,
            },
        ],
    });
    let variable = json!({
        "anyOf": [
            var_type.clone(),
            {
                "type": "object",
                "properties": {
                    "over": over,
                    "type": var_type,
                    "lower": bound,
                    "upper": bound,
                    "description": text("Free text documenting the variable."),
                },
                "additionalProperties": false,
            },
        ],
    });
    let constraint = json!({
        "anyOf": [
            text("A scalar constraint: lhs <= rhs, lhs >= rhs, lhs == rhs, a range lo <= e <= hi, or a proposition (\"y == 0 => x <= 0\", \"a >= 5 or b >= 8\")."),
            {
                "type": "object",
                "properties": {
                    "forall": text("The indices it holds for, with an optional filter: \"r in R\", \"i in I, j in J: i != j\"."),
                    "expression": text("lhs <= rhs, lhs >= rhs, lhs == rhs, a range lo <= e <= hi, or a proposition joining relations with =>, <=>, or, and, not."),
                    "description": text("Free text documenting the constraint."),
                },
                "required": ["expression"],
                "additionalProperties": false,
            },
        ],
    });
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "optform model",
        "description": "A five-element formulation: sets, parameters, variables, objective, constraints. The language: docs/formulation.md.",
        "type": "object",
        "properties": {
            "$schema": text("The schema this file is validated against (ignored by optform)."),
            "name": text("A title: letters, digits, spaces and _-.,:;()/&+'!? (at most 200)."),
            "description": text("Free text documenting the model."),
            "sets": map_of("Named sets: identifiers to elements.", set),
            "parameters": map_of("Named data: scalars, indexed tables, computed values or files.", parameter),
            "variables": map_of("The decision variables.", variable),
            "objective": {
                "description": "What to minimize or maximize: one objective, or a list of levels optimised in priority order.",
                "anyOf": [
                    objective(&[]),
                    {
                        "type": "array",
                        "minItems": 1,
                        "items": objective(&["name", "tolerance", "relative_tolerance"]),
                    },
                ],
            },
            "constraints": map_of("Named constraints: a string, or an object with forall and expression.", constraint),
        },
        "required": ["variables", "objective"],
        "additionalProperties": false,
    })
}
