"""Identifiers as every service spells them: normalised `kind:value` keys and a profile's keys.

Only the contacts service resolves identifiers to customers (its identity index); the others
normalise what they are given (a console lookup, a view's keys) the same way.
"""
