pub mod pairs;
