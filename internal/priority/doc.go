// Package priority owns how a workspace scores its initiatives: the prioritisation frameworks, a
// small formula language for custom ones, the explanation of every score, and the ranking.
//
// A workspace picks one [Framework]. A score depends only on one initiative's numeric fields
// ([Inputs]) and that framework, never on the other initiatives, so a score can be stored, cached
// and explained on its own. The frameworks, each reading the fields named in [Fields] on the
// ranges given there:
//
//	impact-feasibility-alignment (the default)
//	    w₁ × impact + w₂ × feasibility + w₃ × alignment, each input 1–5 and the weights
//	    (by default 0.5, 0.25, 0.25) normalised to sum 1, so the score is on the same 1–5 scale.
//	rice           reach × impact × confidence ÷ effort
//	               (impact 0.25–3, confidence a fraction 0–1, effort in person-months)
//	ice            impact × confidence × ease, each 1–10
//	wsjf           (business_value + time_criticality + risk_reduction) ÷ job_size, each 1–20
//	value-effort   value ÷ effort (value 1–10, effort in person-months)
//	custom         a formula in the language below over any of the fields
//
// Fields shared by several frameworks (impact, confidence, effort) are read on the scale of the
// workspace's framework: switching frameworks may put stored values out of range, and Score says
// which, field by field, rather than scoring them on the wrong scale.
//
// The formula language is arithmetic over the fields, with no loops, no assignment and nothing
// that reaches outside the formula, so a formula typed by a user is safe to store and run:
//
//	formula = expr .
//	expr    = term { ( "+" | "-" ) term } .
//	term    = factor { ( "*" | "/" ) factor } .
//	factor  = "-" factor | primary .
//	primary = number | field | call | "(" expr ")" .
//	call    = name "(" [ expr { "," expr } ] ")" .
//	field   = name .
//	name    = ( "a" … "z" | "_" ) { "a" … "z" | "0" … "9" | "_" } .
//	number  = digits [ "." digits ] [ ( "e" | "E" ) [ "+" | "-" ] digits ] .
//	digits  = "0" … "9" { "0" … "9" } .
//
// "×" and "÷" are accepted for "*" and "/", so the formula of a built-in framework's
// explanation can be pasted as a custom formula. White space (space, tab, newline) separates
// tokens and is otherwise ignored. The functions are min(a, b, …) and max(a, b, …) with at least
// two arguments, sqrt(x), log(x) (natural), log(x, base), abs(x) and round(x) (halves away from
// zero). A formula holds at most [MaxFormulaLen] characters besides white space and nests at most
// [MaxFormulaDepth] levels of parentheses, calls and unary minus.
package priority
