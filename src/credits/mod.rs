//! Credits and certificates: what a person's passed modules and recognised earlier
//! certificates add up to under the catalog's rules (`model`). The ledger, issuance, pages and
//! verification build on these rules.

pub mod model;
