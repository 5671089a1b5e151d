//! The builder's form filled in from a stored blueprint: what "edit with the form" opens,
//! written back as a person would type it (shares as "75%" or "5/10", decimals with a comma in
//! Vietnamese).

use super::form::{BuilderForm, PartForm, SectionForm, set};
use crate::blueprints::model::{Blueprint, Navigation, Ratio, Review, Thousandths};

impl BuilderForm {
    /// The form filled in from a stored blueprint.
    pub fn from_blueprint(bp: &Blueprint, organisation_id: &str, comma: bool) -> Self {
        let decimal = |permille: u32| decimal_text(permille, comma);
        let mut banks = Vec::new();
        for (_, section) in bp.sections() {
            section.banks.iter().for_each(|b| set(&mut banks, b));
        }
        let parts = bp
            .parts
            .iter()
            .map(|part| {
                let marking = part.marking.unwrap_or_default();
                PartForm {
                    code: part.code.clone(),
                    title: part.title.clone(),
                    external: part.external_max_points.is_some(),
                    pass: part.pass.map(ratio_text).unwrap_or_default(),
                    max_points: part
                        .external_max_points
                        .map(|m| m.to_string())
                        .unwrap_or_default(),
                    graders: marking.graders.to_string(),
                    max_difference: if marking.graders == 2 {
                        decimal(marking.max_difference.0)
                    } else {
                        String::new()
                    },
                    rounding: marking
                        .rounding
                        .map(|Thousandths(t)| decimal(t))
                        .unwrap_or_default(),
                    sections: part
                        .sections
                        .iter()
                        .map(|s| SectionForm {
                            title: s.title.clone(),
                            module: s.module.clone(),
                            banks: s.banks.clone(),
                            topics: s.filter.topics.clone(),
                            difficulties: s
                                .filter
                                .difficulties
                                .iter()
                                .map(|d| d.code().to_string())
                                .collect(),
                            types: s.filter.kinds.iter().map(|k| k.as_str().into()).collect(),
                            tags: s.filter.tags.join(", "),
                            count: s.count.to_string(),
                            points: s.points.map(|p| p.to_string()).unwrap_or_default(),
                        })
                        .collect(),
                }
            })
            .collect();
        Self {
            organisation_id: organisation_id.to_string(),
            code: bp.code.clone(),
            title: bp.title.clone(),
            banks,
            modules: bp.modules.clone(),
            separate_module_pass: bp.separate_module_pass,
            duration_minutes: bp.duration_minutes.to_string(),
            navigation: match bp.navigation {
                Navigation::Free => "free",
                Navigation::Sequential => "sequential",
            }
            .into(),
            review: match bp.review {
                Review::Nothing => "nothing",
                Review::Score => "score",
                Review::ScoreByTopic => "score_by_topic",
                Review::Full => "full",
            }
            .into(),
            attempts_allowed: bp.attempts_allowed.to_string(),
            retake_wait_days: bp.retake_wait_days.to_string(),
            shuffle_items: bp.shuffle_items,
            shuffle_options: bp.shuffle_options,
            partial_credit: bp.partial_credit,
            pass: bp.pass.map(ratio_text).unwrap_or_default(),
            target_difficulty: bp
                .difficulty
                .map(|d| decimal(d.target.into()))
                .unwrap_or_default(),
            difficulty_tolerance: bp
                .difficulty
                .map(|d| decimal(d.tolerance.into()))
                .unwrap_or_default(),
            parts,
        }
    }
}

/// "75%", "62,5%" or "5/10", as the reader accepts them back.
fn ratio_text(r: Ratio) -> String {
    let mut scale = 100;
    for places in 0..3 {
        if r.den == scale {
            let whole = r.num / (scale / 100);
            let frac = r.num % (scale / 100);
            return match places {
                0 => format!("{whole}%"),
                _ => format!("{whole},{frac:0places$}%"),
            };
        }
        scale *= 10;
    }
    format!("{}/{}", r.num, r.den)
}

/// Thousandths as a short decimal ("0,08", "1", "0,5").
fn decimal_text(permille: u32, comma: bool) -> String {
    let whole = permille / 1000;
    let frac = format!("{:03}", permille % 1000);
    let frac = frac.trim_end_matches('0');
    match (frac.is_empty(), comma) {
        (true, _) => whole.to_string(),
        (false, true) => format!("{whole},{frac}"),
        (false, false) => format!("{whole}.{frac}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_and_decimals_are_written_back_as_a_person_would_type_them() {
        for text in ["75%", "62,5%", "5/10", "100%", "33,33%"] {
            assert_eq!(ratio_text(Ratio::parse(text).unwrap()), text);
        }
        assert_eq!(decimal_text(80, true), "0,08");
        assert_eq!(decimal_text(500, false), "0.5");
        assert_eq!(decimal_text(1000, true), "1");
    }
}
