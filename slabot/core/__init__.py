"""Pure, exact building blocks with no I/O and no clock: budgets, windows, burn rates, working time, formats."""
