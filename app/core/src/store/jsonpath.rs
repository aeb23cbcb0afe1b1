//! Field paths like `members[2].sex` or `housing.wall` over the JSON of a household, the same
//! spelling validation findings use.

use serde_json::Value;

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// Parse `a.b[3].c`; `None` when malformed.
pub fn parse(path: &str) -> Option<Vec<Segment>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (name, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return None;
        }
        out.push(Segment::Key(name.to_string()));
        while !rest.is_empty() {
            let inner = rest.strip_prefix('[')?;
            let close = inner.find(']')?;
            let idx: usize = inner[..close].parse().ok()?;
            out.push(Segment::Index(idx));
            rest = &inner[close + 1..];
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The value at `path`, if present.
pub fn get<'v>(root: &'v Value, path: &[Segment]) -> Option<&'v Value> {
    let mut cur = root;
    for seg in path {
        cur = match seg {
            Segment::Key(k) => cur.as_object()?.get(k)?,
            Segment::Index(i) => cur.as_array()?.get(*i)?,
        };
    }
    Some(cur)
}

/// Set the value at `path`. The parent must exist; an object key may be new (optional fields
/// are left out of the JSON when empty). Returns the old value (`Null` when absent).
pub fn set(root: &mut Value, path: &[Segment], value: Value) -> Option<Value> {
    let (last, parents) = path.split_last()?;
    let mut cur = root;
    for seg in parents {
        cur = match seg {
            Segment::Key(k) => cur.as_object_mut()?.get_mut(k)?,
            Segment::Index(i) => cur.as_array_mut()?.get_mut(*i)?,
        };
    }
    match last {
        Segment::Key(k) => {
            let obj = cur.as_object_mut()?;
            Some(obj.insert(k.clone(), value).unwrap_or(Value::Null))
        }
        Segment::Index(i) => {
            let slot = cur.as_array_mut()?.get_mut(*i)?;
            Some(std::mem::replace(slot, value))
        }
    }
}

/// Every leaf that differs between `old` and `new`, as (path, old, new). Absent and `null`
/// count as equal. Arrays are compared element by element.
pub fn diff(old: &Value, new: &Value) -> Vec<(String, Value, Value)> {
    let mut out = Vec::new();
    walk(String::new(), old, new, &mut out);
    out
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn walk(prefix: String, old: &Value, new: &Value, out: &mut Vec<(String, Value, Value)>) {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let av = a.get(k).unwrap_or(&Value::Null);
                let bv = b.get(k).unwrap_or(&Value::Null);
                walk(join(&prefix, k), av, bv, out);
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for i in 0..a.len().max(b.len()) {
                let av = a.get(i).unwrap_or(&Value::Null);
                let bv = b.get(i).unwrap_or(&Value::Null);
                walk(format!("{prefix}[{i}]"), av, bv, out);
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push((prefix, a.clone(), b.clone())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_paths() {
        assert_eq!(
            parse("members[2].sex"),
            Some(vec![
                Segment::Key("members".into()),
                Segment::Index(2),
                Segment::Key("sex".into())
            ])
        );
        assert_eq!(parse("housing.wall").map(|p| p.len()), Some(2));
        for bad in ["", ".", "a..b", "a[", "a[x]", "A", "a[1]b", "[1]"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn diffs_leaves() {
        let a = serde_json::json!({"x": {"y": 1, "z": [1, 2]}, "n": null});
        let b = serde_json::json!({"x": {"y": 2, "z": [1]}});
        let d = diff(&a, &b);
        let paths: Vec<&str> = d.iter().map(|(p, _, _)| p.as_str()).collect();
        assert_eq!(paths, vec!["x.y", "x.z[1]"]);
    }
}
