//! JSON for formulations: like `serde_json::Value`, except that a key given twice in one
//! object is an error. serde_json keeps the last one without a word, so a second `"c"`
//! constraint or a second `"constraints"` object would silently replace the first.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Parses `text` as JSON, refusing duplicate keys. serde_json's own recursion limit (128
/// levels) still applies, so deeply nested input is an error, not a stack overflow.
pub fn parse_strict(text: &str) -> Result<Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let v = Strict { parent: None, key: "", renamed: None }.deserialize(&mut de)?;
    de.end()?;
    Ok(v)
}

/// [`parse_strict`], except that a constraint name given twice is kept twice: the second is
/// renamed `name_2` (two constraints that happen to share a name are both meant). Returns
/// the renamings made; every other duplicate key is still an error.
pub fn parse_renaming_duplicate_constraints(text: &str) -> Result<(Value, Vec<String>), serde_json::Error> {
    let renamed = std::cell::RefCell::new(Vec::new());
    let mut de = serde_json::Deserializer::from_str(text);
    let v = Strict { parent: None, key: "", renamed: Some(&renamed) }.deserialize(&mut de)?;
    de.end()?;
    Ok((v, renamed.into_inner()))
}

/// Where a value sits, as a chain of keys up to the root; rendered only for an error, so a
/// million-element array costs no string per element.
#[derive(Clone, Copy)]
struct Strict<'p> {
    parent: Option<&'p Strict<'p>>,
    key: &'p str,
    /// Where renamed duplicate constraints are recorded, when they are renamed at all.
    renamed: Option<&'p std::cell::RefCell<Vec<String>>>,
}

impl Strict<'_> {
    fn path(&self) -> String {
        let mut keys = vec![self.key];
        let mut at = self.parent;
        while let Some(p) = at {
            keys.push(p.key);
            at = p.parent;
        }
        keys.iter().rev().filter(|k| !k.is_empty()).copied().collect::<Vec<_>>().join(".")
    }
}

impl<'de> DeserializeSeed<'de> for Strict<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v).map(Value::Number).ok_or_else(|| E::custom(format!("{v} is not a finite number")))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        // Array items share their parent's path: an error inside names the array.
        while let Some(v) = seq.next_element_seed(self)? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        let renaming = self.renamed.filter(|_| self.path() == "constraints");
        while let Some(mut key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                if let Some(log) = renaming {
                    let new = (2..).map(|k| format!("{key}_{k}")).find(|k| !out.contains_key(k)).expect("a free name");
                    log.borrow_mut()
                        .push(format!("constraints.{key}: a second constraint of this name is kept as `{new}`"));
                    key = new;
                } else {
                    let at = Strict { parent: Some(&self), key: &key, renamed: None }.path();
                    return Err(A::Error::custom(format!(
                        "duplicate key `{at}`: JSON keeps only one of them; give each key once (rename or merge the two)"
                    )));
                }
            }
            let v = map.next_value_seed(Strict { parent: Some(&self), key: &key, renamed: self.renamed })?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_are_errors_that_name_their_path() {
        let e = parse_strict(r#"{"constraints": {"c": "x <= 4", "c": "x <= 10"}}"#).unwrap_err();
        assert!(e.to_string().contains("duplicate key `constraints.c`"), "{e}");
        let e = parse_strict(r#"{"constraints": {}, "x": 1, "constraints": {}}"#).unwrap_err();
        assert!(e.to_string().contains("duplicate key `constraints`"), "{e}");
        let e = parse_strict(r#"{"a": [{"k": 1, "k": 2}]}"#).unwrap_err();
        assert!(e.to_string().contains("duplicate key `a.k`"), "{e}");
    }

    #[test]
    fn duplicate_constraint_names_can_be_kept_as_two_constraints() {
        let (v, renamed) =
            parse_renaming_duplicate_constraints(r#"{"constraints": {"c": "x <= 4", "c_2": "y <= 1", "c": "x >= 1"}}"#)
                .unwrap();
        assert_eq!(v["constraints"]["c"], "x <= 4");
        assert_eq!(v["constraints"]["c_3"], "x >= 1");
        assert_eq!(renamed.len(), 1);
        assert!(parse_renaming_duplicate_constraints(r#"{"variables": {"x": {}, "x": {}}}"#).is_err());
    }

    #[test]
    fn strict_parsing_agrees_with_serde_json_on_valid_documents() {
        let text = r#"{"a": [1, -2, 3.5, "s", null, true, {"b": {}}], "c": 18446744073709551615, "d": 1e300}"#;
        assert_eq!(parse_strict(text).unwrap(), serde_json::from_str::<Value>(text).unwrap());
        assert!(parse_strict("{} trailing").is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        let e = parse_strict(&deep).unwrap_err();
        assert!(e.to_string().contains("recursion limit"), "{e}");
    }
}
