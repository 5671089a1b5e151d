//! How a practical part of a blueprint is marked: `graders`, `max_difference` and `rounding`,
//! read with their lines and refused on a drawn part.

use super::{
    model::{Marking, Thousandths},
    read::whole,
};
use crate::banks::{
    native::fields::{Ctx, Fields},
    report::args,
};

/// `graders`, `max_difference` and `rounding` of a part scored outside sathach; None (with
/// the error reported) when they are wrong or given on a drawn part.
pub(super) fn read_marking(ctx: &mut Ctx, f: &mut Fields, external: bool) -> Option<Marking> {
    let graders = whole(ctx, f, "graders", 1, 1..3);
    let mut decimal = |ctx: &mut Ctx, key: &'static str| match f.text(ctx, key, false) {
        None => Some(None),
        Some((value, span)) => match Thousandths::parse(&value) {
            Some(t) if key == "max_difference" || t.0 > 0 => Some(Some((t, span))),
            _ => {
                ctx.error_at(
                    span,
                    "report.bp.bad_decimal",
                    args![key = key, value = value.as_str()],
                );
                None
            }
        },
    };
    let max_difference = decimal(ctx, "max_difference");
    let rounding = decimal(ctx, "rounding");
    let (graders, max_difference, rounding) = (graders?, max_difference?, rounding?);
    let given = graders != 1 || max_difference.is_some() || rounding.is_some();
    if !external {
        if given {
            ctx.error_at(
                f.span.clone(),
                "report.bp.marking_on_drawn_part",
                args![what = f.what.clone()],
            );
        }
        return None;
    }
    match (graders, max_difference) {
        (2, None) => {
            ctx.error_at(
                f.span.clone(),
                "report.bp.double_marking_needs_difference",
                args![what = f.what.clone()],
            );
            None
        }
        (1, Some((_, span))) => {
            ctx.error_at(
                span,
                "report.bp.difference_needs_two_graders",
                args![what = f.what.clone()],
            );
            None
        }
        (graders, difference) => Some(Marking {
            graders: graders as u8,
            max_difference: difference.map_or(Thousandths(0), |(t, _)| t),
            rounding: rounding.map(|(t, _)| t),
        }),
    }
}
