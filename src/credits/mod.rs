//! Credits and certificates: what a person's passed modules and recognised earlier
//! certificates add up to under the catalog's rules (`model`), the append-only ledger that
//! follows approved results (`ledger`, `store`), and the certificates issued from it
//! (`issue`). Staff read a person's record (`person`, over `record`) and change it
//! (`changes`: an earlier certificate with its `scan`, a revocation); the candidate's receipt
//! says what a pass earns (`note`); anyone checks a certificate (`verify`); staff print it
//! (`print`) and keep each issuer's register (`register`). Sits below `results`, which calls
//! into it; never imports it.

pub mod certificate;
pub mod changes;
pub mod earlier;
pub mod issue;
pub mod ledger;
pub mod model;
pub mod note;
pub mod pages;
pub mod person;
pub mod print;
pub mod record;
pub mod register;
pub mod scan;
pub mod store;
pub mod verify;
