//! The JSON Schema of a formulation, sent as `response_format` so that servers that enforce
//! it (llama.cpp by grammar, OpenAI) can only produce the right shape. The bounded variant
//! caps counts and lengths: small local models otherwise loop until `max_tokens`.

use serde_json::{json, Value};

pub fn formulation_schema(bounded: bool) -> Value {
    // (max entries of a map or list, max length of an expression string)
    let (items, chars) = if bounded { (Some(40), Some(400)) } else { (None, None) };
    let string = |max: Option<u64>| match max {
        Some(m) => json!({ "type": "string", "maxLength": m }),
        None => json!({ "type": "string" }),
    };
    let map = |values: Value| {
        let mut m = json!({ "type": "object", "additionalProperties": values });
        if let Some(n) = items {
            m["maxProperties"] = json!(n);
        }
        m
    };
    let list = |of: Value| {
        let mut l = json!({ "type": "array", "items": of });
        if let Some(n) = items {
            l["maxItems"] = json!(n);
        }
        l
    };
    let element = json!({ "anyOf": [ { "type": "string" }, { "type": "integer" } ] });
    let bound = json!({ "anyOf": [ { "type": "number" }, string(chars) ] });
    json!({
        "type": "object",
        "properties": {
            "name": string(Some(60)),
            "description": string(Some(200)),
            "sets": map(json!({ "anyOf": [
                list(json!({ "anyOf": [ element.clone(), list(element.clone()) ] })),
                string(Some(40)),
            ]})),
            "parameters": map(json!({ "anyOf": [
                { "type": "number" },
                {
                    "type": "object",
                    "properties": {
                        "over": list(string(Some(40))),
                        "values": {},
                        "rows": list(list(json!({ "anyOf": [ element.clone(), { "type": "number" } ] }))),
                        "default": { "type": "number" },
                        "expression": string(chars),
                    },
                    "additionalProperties": false,
                },
            ]})),
            "variables": map(json!({ "anyOf": [
                { "type": "string", "enum": ["continuous", "integer", "binary"] },
                {
                    "type": "object",
                    "properties": {
                        "over": list(string(Some(40))),
                        "type": { "type": "string", "enum": ["continuous", "integer", "binary", "semicontinuous"] },
                        "lower": bound.clone(),
                        "upper": bound,
                        "description": string(Some(120)),
                    },
                    "additionalProperties": false,
                },
            ]})),
            "objective": {
                "type": "object",
                "properties": {
                    "sense": { "type": "string", "enum": ["minimize", "maximize"] },
                    "expression": string(chars),
                },
                "required": ["sense", "expression"],
                "additionalProperties": false,
            },
            "constraints": map(json!({ "anyOf": [
                string(chars),
                {
                    "type": "object",
                    "properties": { "forall": string(Some(120)), "expression": string(chars) },
                    "required": ["expression"],
                    "additionalProperties": false,
                },
            ]})),
        },
        "required": ["name", "variables", "objective", "constraints"],
        "additionalProperties": false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_examples_fit_the_schema_shape() {
        // A light structural check (no validator dependency): required keys and no others.
        let s = formulation_schema(true);
        let allowed: Vec<&str> = s["properties"].as_object().unwrap().keys().map(String::as_str).collect();
        for entry in std::fs::read_dir("examples").unwrap() {
            let p = entry.unwrap().path();
            if p.extension().is_some_and(|e| e == "json") {
                let v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
                for k in v.as_object().unwrap().keys() {
                    assert!(allowed.contains(&k.as_str()), "{}: {k}", p.display());
                }
            }
        }
        assert_eq!(s["required"], json!(["name", "variables", "objective", "constraints"]));
    }
}
