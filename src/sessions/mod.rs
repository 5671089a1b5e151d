//! Exam sittings (ca thi): rosters, candidates' access codes, the attempt's state machine and
//! the server's clock. This session builds the rules; the pages come with the sessions issue.

pub mod model;
pub mod national_id;
pub mod roster;
