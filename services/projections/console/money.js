// Amounts are integer minor units; the API states each currency's ISO 4217 exponent beside them
// (IRR has two decimals in ISO 4217 where the browser's CLDR data says none), so the page never
// guesses: it places the decimal point where the API says and formats in the agent's language.
"use strict";

function decimalText(minor, exponent) {
  const digits = String(Math.abs(minor)).padStart(exponent + 1, "0");
  const whole = exponent ? `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}` : digits;
  return minor < 0 ? `-${whole}` : whole;
}

function formatMoney(minor, currency, exponent) {
  if (exponent == null) return i18n.t("minorUnits", { amount: i18n.number(minor), currency });
  const format = new Intl.NumberFormat(i18n.numbers(), {
    style: "currency", currency, currencyDisplay: "code",
    minimumFractionDigits: exponent, maximumFractionDigits: exponent,
  });
  return format.format(decimalText(minor, exponent));  // a decimal string: exact, no float
}

// {"EUR": 12900, "IRR": 4500000} with {"EUR": 2, "IRR": 2} -> one string per currency
function formatTotals(byCurrency, exponents) {
  const parts = Object.entries(byCurrency || {}).map(([currency, minor]) => formatMoney(minor, currency, exponents?.[currency]));
  return parts.length ? parts.join(" · ") : "—";
}
