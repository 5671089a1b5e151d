//! Item statistics over scored attempts: facility, discrimination (point-biserial against the
//! rest score, and the upper/lower 27 % index), option shares; per form: mean, standard
//! deviation, reliability (KR-20 for right/wrong items, Cronbach's α otherwise) and the
//! standard error of measurement. Items whose discrimination is negative or near zero are
//! flagged "check the key".

use std::collections::HashMap;

use serde::Serialize;

/// One item in one attempt.
#[derive(Clone, Debug)]
pub struct ItemRecord {
    pub item_id: String,
    /// Share of the item's points earned, 0 to 1.
    pub fraction: f64,
    pub points: f64,
    /// Options chosen (original indices), for choice items.
    pub choices: Vec<usize>,
    pub answered: bool,
}

/// One scored attempt.
#[derive(Clone, Debug, Default)]
pub struct AttemptRecord {
    pub items: Vec<ItemRecord>,
}

impl AttemptRecord {
    pub fn total(&self) -> f64 {
        self.items.iter().map(|i| i.points).sum()
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct ItemStats {
    pub item_id: String,
    pub attempts: usize,
    pub facility: f64,
    pub point_biserial: Option<f64>,
    pub upper_lower: Option<f64>,
    /// Share of those who answered that chose each option (by original index).
    pub option_shares: Vec<(usize, f64)>,
    pub check_key: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct FormStats {
    pub attempts: usize,
    pub mean: f64,
    pub sd: f64,
    /// "kr20" when every item is scored right/wrong, else "alpha".
    pub reliability_kind: &'static str,
    pub reliability: Option<f64>,
    pub sem: Option<f64>,
}

/// Discrimination below this is "near zero".
pub const CHECK_KEY_BELOW: f64 = 0.1;

fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        0.0
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}

/// Population variance.
fn variance(values: &[f64]) -> f64 {
    let m = mean(values);
    mean(&values.iter().map(|v| (v - m) * (v - m)).collect::<Vec<_>>())
}

fn correlation(xs: &[f64], ys: &[f64]) -> Option<f64> {
    let (sx, sy) = (variance(xs).sqrt(), variance(ys).sqrt());
    if xs.len() < 2 || sx == 0.0 || sy == 0.0 {
        return None;
    }
    let (mx, my) = (mean(xs), mean(ys));
    let cov = mean(
        &xs.iter()
            .zip(ys)
            .map(|(x, y)| (x - mx) * (y - my))
            .collect::<Vec<_>>(),
    );
    Some(cov / (sx * sy))
}

/// Statistics of every item and of the form as a whole.
pub fn statistics(attempts: &[AttemptRecord]) -> (Vec<ItemStats>, FormStats) {
    let totals: Vec<f64> = attempts.iter().map(AttemptRecord::total).collect();
    // Rank of each attempt by total, for the upper and lower 27 %.
    let mut ranked: Vec<usize> = (0..attempts.len()).collect();
    ranked.sort_by(|a, b| totals[*a].total_cmp(&totals[*b]));
    let mut rank = vec![0usize; attempts.len()];
    for (position, attempt) in ranked.iter().enumerate() {
        rank[*attempt] = position;
    }

    let mut by_item: HashMap<&str, Vec<(usize, &ItemRecord)>> = HashMap::new();
    let mut order: Vec<&str> = Vec::new();
    for (a, attempt) in attempts.iter().enumerate() {
        for record in &attempt.items {
            let entry = by_item.entry(&record.item_id).or_insert_with(|| {
                order.push(&record.item_id);
                Vec::new()
            });
            entry.push((a, record));
        }
    }

    let mut items = Vec::with_capacity(order.len());
    let mut item_variance_sum = 0.0;
    let mut dichotomous = true;
    for id in order {
        let rows = &by_item[id];
        let fractions: Vec<f64> = rows.iter().map(|(_, r)| r.fraction).collect();
        dichotomous &= fractions.iter().all(|f| *f == 0.0 || *f == 1.0);
        item_variance_sum +=
            variance(&rows.iter().map(|(_, r)| r.points).collect::<Vec<_>>()) * rows.len() as f64;
        let rest: Vec<f64> = rows.iter().map(|(a, r)| totals[*a] - r.points).collect();
        let point_biserial = correlation(&fractions, &rest);
        let group = ((attempts.len() as f64) * 0.27).round() as usize;
        let upper_lower = (group > 0).then(|| {
            let upper: Vec<f64> = rows
                .iter()
                .filter(|(a, _)| rank[*a] >= attempts.len() - group)
                .map(|(_, r)| r.fraction)
                .collect();
            let lower: Vec<f64> = rows
                .iter()
                .filter(|(a, _)| rank[*a] < group)
                .map(|(_, r)| r.fraction)
                .collect();
            mean(&upper) - mean(&lower)
        });
        let answered = rows.iter().filter(|(_, r)| r.answered).count().max(1) as f64;
        let mut counts: HashMap<usize, usize> = HashMap::new();
        for (_, r) in rows {
            for choice in &r.choices {
                *counts.entry(*choice).or_default() += 1;
            }
        }
        let mut option_shares: Vec<(usize, f64)> = counts
            .into_iter()
            .map(|(o, c)| (o, c as f64 / answered))
            .collect();
        option_shares.sort_by_key(|(o, _)| *o);
        let check_key = point_biserial.is_some_and(|r| r < CHECK_KEY_BELOW)
            || upper_lower.is_some_and(|d| d < 0.0);
        items.push(ItemStats {
            item_id: id.to_string(),
            attempts: rows.len(),
            facility: mean(&fractions),
            point_biserial,
            upper_lower,
            option_shares,
            check_key,
        });
    }

    let total_variance = variance(&totals);
    let k = attempts.first().map_or(0, |a| a.items.len()) as f64;
    // Mean item variance times items per attempt: Cronbach's α when all attempts share their
    // items, and its natural extension to randomized forms drawn from one blueprint.
    let mean_item_variance = if attempts.is_empty() {
        0.0
    } else {
        item_variance_sum / attempts.len() as f64 / k.max(1.0)
    };
    let reliability = (k > 1.0 && total_variance > 0.0)
        .then(|| k / (k - 1.0) * (1.0 - k * mean_item_variance / total_variance));
    let sd = total_variance.sqrt();
    let form = FormStats {
        attempts: attempts.len(),
        mean: mean(&totals),
        sd,
        reliability_kind: if dichotomous { "kr20" } else { "alpha" },
        reliability,
        sem: reliability.map(|r| sd * (1.0 - r).max(0.0).sqrt()),
    };
    (items, form)
}
