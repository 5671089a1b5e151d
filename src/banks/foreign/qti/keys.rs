//! Answer keys: a response's declaration (correct response, mapping) and what its response
//! processing does with it, from the standard templates (any QTI version) or the simple
//! inline rules authoring tools write (`match`, `mapResponse`, `equal` with a tolerance,
//! `gte`/`lte` bounds).

use roxmltree::Node;

use super::xml::{attr, is, kid, kids, name, text};

/// What `responseDeclaration` says about one response.
#[derive(Debug, Default)]
pub(super) struct Declaration {
    pub base_type: String,
    pub cardinality: String,
    /// `correctResponse` values, in order.
    pub correct: Vec<String>,
    /// `mapping` entries: key, score.
    pub mapping: Vec<(String, f64)>,
}

impl Declaration {
    /// The values that make the answer right: the correct response, or else the mapped
    /// values with a positive score.
    pub fn key(&self) -> Vec<String> {
        if !self.correct.is_empty() {
            return self.correct.clone();
        }
        self.positive()
    }

    /// For a question with one right answer: the correct response, or else the mapped values
    /// with the best score; and the other values with a positive score, worth part of the
    /// marks in the file, which sathach never takes as right.
    pub fn single_key(&self) -> (Vec<String>, Vec<String>) {
        let best = self.mapping.iter().map(|m| m.1).fold(0.0, f64::max);
        let key: Vec<String> = if self.correct.is_empty() {
            self.mapping
                .iter()
                .filter(|(_, score)| *score > 0.0 && *score >= best)
                .map(|(k, _)| k.clone())
                .collect()
        } else {
            self.correct.clone()
        };
        let partial = self
            .positive()
            .into_iter()
            .filter(|value| !key.contains(value))
            .collect();
        (key, partial)
    }

    /// Mapped values with a positive score, in the file's order.
    pub fn positive(&self) -> Vec<String> {
        self.mapping
            .iter()
            .filter(|(_, score)| *score > 0.0)
            .map(|(k, _)| k.clone())
            .collect()
    }
}

/// The declaration of a response of an item, if any.
pub(super) fn declaration(item: Node, response: &str) -> Option<Declaration> {
    let node =
        kids(item, "responseDeclaration").find(|d| attr(*d, "identifier") == Some(response))?;
    let values = |n: Option<Node>| -> Vec<String> {
        n.map(|n| kids(n, "value").map(text).collect())
            .unwrap_or_default()
    };
    let mapping = kid(node, "mapping")
        .map(|m| {
            kids(m, "mapEntry")
                .filter_map(|e| {
                    let key = attr(e, "mapKey")?;
                    let key = key.split_whitespace().collect::<Vec<_>>().join(" ");
                    let score = attr(e, "mappedValue")?.trim().parse().ok()?;
                    Some((key, score))
                })
                .collect()
        })
        .unwrap_or_default();
    Some(Declaration {
        base_type: attr(node, "baseType").unwrap_or("string").to_string(),
        cardinality: attr(node, "cardinality").unwrap_or("single").to_string(),
        correct: values(kid(node, "correctResponse")),
        mapping,
    })
}

/// How a response is scored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Scoring {
    /// All or nothing against the correct response.
    MatchCorrect,
    /// The mapping's scores are added up: partial credit.
    Map,
    /// A number within `below`/`above` of the correct value (absolute), or within a
    /// percentage of it (relative).
    Tolerance {
        below: f64,
        above: f64,
        relative: bool,
        /// A value compared against instead of the correct response.
        value: Option<f64>,
    },
    /// A number between two bounds.
    Range { min: f64, max: f64 },
    /// No response processing, or one these rules do not recognise.
    Unknown,
}

/// How the item's response processing scores `response`.
pub(super) fn scoring(item: Node, response: &str) -> Scoring {
    let Some(rp) = kid(item, "responseProcessing") else {
        return Scoring::Unknown;
    };
    let template = attr(rp, "template").or_else(|| attr(rp, "templateLocation"));
    if let Some(template) = template {
        let last = template
            .trim()
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .trim_end_matches(".xml");
        return match last {
            "match_correct" => Scoring::MatchCorrect,
            "map_response" | "map_response_point" => Scoring::Map,
            _ => Scoring::Unknown,
        };
    }
    let refers = |n: Node, element: &str| {
        n.children()
            .any(|c| is(c, element) && attr(c, "identifier") == Some(response))
    };
    let number = |n: Node| -> Option<f64> {
        n.children()
            .find(|c| is(*c, "baseValue"))
            .and_then(|b| b.text())
            .and_then(|t| t.trim().parse().ok())
    };
    let (mut min, mut max) = (None, None);
    for node in rp.descendants().filter(|n| n.is_element()) {
        let tag = name(node);
        match tag.as_str() {
            "equal" if refers(node, "variable") => {
                let mode = attr(node, "toleranceMode").unwrap_or("exact");
                let tolerances: Vec<f64> = attr(node, "tolerance")
                    .unwrap_or("0")
                    .split_whitespace()
                    .filter_map(|t| t.parse().ok())
                    .collect();
                let below = tolerances.first().copied().unwrap_or(0.0);
                let above = tolerances.get(1).copied().unwrap_or(below);
                let (below, above) = if mode == "exact" {
                    (0.0, 0.0)
                } else {
                    (below, above)
                };
                return Scoring::Tolerance {
                    below,
                    above,
                    relative: mode == "relative",
                    value: number(node),
                };
            }
            "gte" | "gt" | "lte" | "lt" => {
                let elements: Vec<Node> = node.children().filter(|c| c.is_element()).collect();
                let variable_first = elements.first().is_some_and(|c| {
                    is(*c, "variable") && attr(*c, "identifier") == Some(response)
                });
                let variable_second = elements.get(1).is_some_and(|c| {
                    is(*c, "variable") && attr(*c, "identifier") == Some(response)
                });
                let Some(bound) = number(node) else { continue };
                let lower = tag.starts_with('g') == variable_first;
                if variable_first || variable_second {
                    if lower {
                        min = Some(bound);
                    } else {
                        max = Some(bound);
                    }
                }
            }
            "match" if refers(node, "variable") && refers(node, "correct") => {
                return Scoring::MatchCorrect;
            }
            "mapResponse" if attr(node, "identifier") == Some(response) => return Scoring::Map,
            _ => {}
        }
    }
    match (min, max) {
        (Some(min), Some(max)) => Scoring::Range { min, max },
        _ => Scoring::Unknown,
    }
}
