//! What can go wrong when a siting problem is built or read: shapes that disagree, costs,
//! demands or capacities that are not numbers the models accept, benchmark text that does
//! not parse, or a source of longer cost rows that fails or stops making progress.

/// An error of the siting solvers' inputs.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SolveError {
    /// A list has the wrong length.
    #[error("{got} {what} for {want} {of}")]
    Shape {
        /// What the list holds (`costs`, `demands`, `capacities`, `rows`).
        what: &'static str,
        /// Its length.
        got: usize,
        /// The length it must have.
        want: usize,
        /// What it is counted against (`clients × sites`, `clients`, `sites`).
        of: &'static str,
    },
    /// A client lists a site that does not exist.
    #[error("client {client} lists site {site}, but there are {sites} sites")]
    SiteOutOfRange {
        /// The client.
        client: usize,
        /// The site it lists.
        site: u32,
        /// Number of sites.
        sites: usize,
    },
    /// A cost is negative or not a number.
    #[error("cost of client {client} at site {site} is {cost}, not a non-negative number")]
    BadCost {
        /// The client.
        client: usize,
        /// The site.
        site: usize,
        /// The cost.
        cost: f64,
    },
    /// The least cost of a truncated row's unlisted sites is negative, not a number, or below
    /// a cost the row lists (the row is then not a list of nearest sites).
    #[error(
        "client {client}: the least cost beyond its list is {beyond}, below its listed cost {listed}"
    )]
    BadTail {
        /// The client.
        client: usize,
        /// The least cost of its unlisted sites.
        beyond: f64,
        /// The dearest cost the row lists (0 when it lists none).
        listed: f64,
    },
    /// A demand or capacity is negative or not finite.
    #[error("{what} {value} is not a finite non-negative number")]
    BadAmount {
        /// `demand` or `capacity`.
        what: &'static str,
        /// The value.
        value: f64,
    },
    /// A source of longer rows returned a row that is not longer than before and whose least
    /// unlisted cost did not grow: asking again would never end.
    #[error("the longer row of client {client} is no longer than before")]
    NoProgress {
        /// The client.
        client: usize,
    },
    /// A source of longer rows failed.
    #[error("longer cost rows could not be computed: {0}")]
    Rows(String),
    /// Benchmark text that does not parse.
    #[error("{0}")]
    Parse(String),
}
