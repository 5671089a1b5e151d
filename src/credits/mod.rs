//! Credits and certificates: what a person's passed modules and recognised earlier
//! certificates add up to under the catalog's rules (`model`), the append-only ledger that
//! follows approved results (`ledger`, `store`), and the certificates issued from it
//! (`issue`); their pages: public verification (`verify`), printing (`print`) and each
//! issuer's register (`register`). Sits below `results`, which calls into it; never imports it.

pub mod certificate;
pub mod earlier;
pub mod issue;
pub mod ledger;
pub mod model;
pub mod pages;
pub mod print;
pub mod register;
pub mod store;
pub mod verify;
