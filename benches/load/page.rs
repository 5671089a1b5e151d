//! Reading the candidate's pages as a browser without JavaScript does: the CSRF token, a
//! question's `seq` and number of questions, and its controls (radio groups, check boxes,
//! text boxes, selects), and picking an answer for them the way a candidate clicks.

use rand::RngExt;

/// One form control of a question, by the name it posts.
#[derive(Clone, Debug, PartialEq)]
pub enum Control {
    Radio(String, Vec<String>),
    Checkbox(String, Vec<String>),
    Text(String),
    Select(String, Vec<String>),
}

/// What a question page gives the next save.
#[derive(Clone, Debug)]
pub struct Question {
    pub csrf: String,
    pub seq: i64,
    pub total: usize,
    pub controls: Vec<Control>,
}

/// The value of attribute `name` in a tag's text (`input type="radio" name="x"…`).
fn attr(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    Some(tag[start..start + tag[start..].find('"')?].to_string())
}

/// The `csrf` hidden field of a page.
pub fn csrf(page: &str) -> Option<String> {
    tags(page)
        .find(|t| t.starts_with("input") && attr(t, "name").as_deref() == Some("csrf"))
        .and_then(|t| attr(t, "value"))
}

fn tags(page: &str) -> impl Iterator<Item = &str> {
    page.split('<')
        .skip(1)
        .map(|t| &t[..t.find('>').unwrap_or(t.len())])
}

/// Reads a question page; None when it is not one (no answer form).
pub fn question(page: &str, number: usize) -> Option<Question> {
    let csrf = csrf(page)?;
    let seq = tags(page)
        .find(|t| t.starts_with("input") && attr(t, "name").as_deref() == Some("seq"))
        .and_then(|t| attr(t, "value"))?
        .parse()
        .ok()?;
    let mut controls: Vec<Control> = Vec::new();
    let mut total = number;
    let mut select: Option<(String, Vec<String>)> = None;
    for tag in tags(page) {
        let name = attr(tag, "name").unwrap_or_default();
        if tag.starts_with("button") && name == "go" {
            let value = attr(tag, "value").unwrap_or_default();
            match value.parse::<usize>() {
                Ok(n) => total = total.max(n),
                Err(_) if value == "next" => total = total.max(number + 1),
                Err(_) => {}
            }
        } else if tag.starts_with("select") {
            select = Some((name, Vec::new()));
        } else if tag.starts_with("option") {
            if let (Some((_, options)), Some(v)) = (select.as_mut(), attr(tag, "value"))
                && !v.is_empty()
            {
                options.push(v);
            }
        } else if tag.starts_with("/select") {
            if let Some((name, options)) = select.take() {
                controls.push(Control::Select(name, options));
            }
        } else if tag.starts_with("input") && !["csrf", "seq", "flag", ""].contains(&name.as_str())
        {
            let kind = attr(tag, "type").unwrap_or_else(|| "text".into());
            let value = attr(tag, "value").unwrap_or_default();
            let grouped = |c: &mut Control| match c {
                Control::Radio(n, values) | Control::Checkbox(n, values) if *n == name => {
                    values.push(value.clone());
                    true
                }
                _ => false,
            };
            match kind.as_str() {
                "hidden" => {}
                "radio" | "checkbox" if controls.iter_mut().any(grouped) => {}
                "radio" => controls.push(Control::Radio(name, vec![value])),
                "checkbox" => controls.push(Control::Checkbox(name, vec![value])),
                _ => controls.push(Control::Text(name)),
            }
        }
    }
    Some(Question {
        csrf,
        seq,
        total,
        controls,
    })
}

/// An answer to every control, picked at random as a candidate might (at least one box
/// ticked, a number typed in a text box).
pub fn pick(controls: &[Control], rng: &mut impl rand::Rng) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    for control in controls {
        match control {
            Control::Radio(name, values) | Control::Select(name, values) if !values.is_empty() => {
                let v = &values[rng.random_range(0..values.len())];
                fields.push((name.clone(), v.clone()));
            }
            Control::Checkbox(name, values) => {
                let first = rng.random_range(0..values.len());
                for (i, v) in values.iter().enumerate() {
                    if i == first || rng.random_bool(0.4) {
                        fields.push((name.clone(), v.clone()));
                    }
                }
            }
            Control::Text(name) => {
                fields.push((name.clone(), rng.random_range(1..1000).to_string()));
            }
            Control::Radio(..) | Control::Select(..) => {}
        }
    }
    fields
}
