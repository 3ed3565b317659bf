package gen

import "strings"

// realWords are the filler's own words: what customers write about any product, most common
// first (the Zipf draw favours the head). Some of them are also words of the planted themes
// ("app", "page", "support", "password", "delivery", "refund"): a theme is words that come
// together more often in one group, not words that are never seen elsewhere.
var realWords = strings.Fields(`
app service product time use team experience customer support account work help easy price
good great new need want feature order website update make month week day plan pay data
email phone call issue problem question answer user page option setting version company
business thing way people job quality value money cost store shop item delivery shipping
online mobile tool system process information report list change move start try find look
see know think feel like love hate wish hope expect mean keep give take come go show tell
ask wait spend save lose buy sell send receive check open close click load run install login
contact manager agent staff person colleague client partner vendor seller buyer member owner
admin developer designer analyst consultant representative specialist technician engineer
subscription invoice receipt payment card bank transfer discount coupon offer deal trial
contract renewal upgrade downgrade cancellation purchase checkout cart basket wishlist review
rating survey feedback comment message chat ticket request case follow response reply note
notification alert reminder newsletter calendar schedule meeting appointment booking
reservation event webinar training course tutorial guide manual documentation article blog
video image photo file document folder template form field button menu tab screen window
panel dashboard chart graph table column row filter search sort export import sync backup
storage cloud server network connection browser device laptop desktop tablet computer
printer camera speaker keyboard mouse battery charger cable adapter screen display monitor
package box parcel courier carrier warehouse address location region country city office
home branch site platform portal interface integration api plugin extension widget module
component library framework database query record entry profile password username security
privacy permission role group project task workflow pipeline stage step milestone goal
target metric result outcome performance speed size weight color style design layout theme
font icon logo brand name title label tag category type kind level tier package bundle
edition license seat team workspace organization department division unit area zone
morning afternoon evening night weekend holiday season year quarter hour minute second
today yesterday tomorrow recently lately usually often sometimes always occasionally
quickly slowly easily simply clearly nicely properly correctly exactly finally actually
basically honestly generally overall mostly mainly partly fully completely totally
fine okay decent solid reliable stable smooth fast quick simple clean clear nice friendly
helpful polite professional knowledgeable patient responsive useful handy powerful
flexible affordable reasonable fair cheap expensive pricey costly premium basic standard
advanced modern classic fresh recent old current previous next first last final main
small large big huge tiny short long wide narrow light dark bright heavy soft hard
different similar same other extra additional optional required important critical
minor major general specific personal private public shared local global external internal
manual automatic digital physical virtual social daily weekly monthly yearly annual
previous latest early late regular frequent rare common typical usual normal average
build create edit delete remove add insert replace copy paste share upload download print
scan sign register subscribe unsubscribe join leave switch connect disconnect enable
disable configure customize adjust set reset restore recover refresh reload restart
navigate browse scroll select choose pick compare test verify confirm approve reject
submit cancel return exchange refund track monitor measure analyze review rate recommend
suggest mention explain describe understand learn remember forget notice realize decide
plan prepare organize manage handle process deliver ship arrive pack store collect deliver
improve fix solve break fail miss skip delay hold stop pause continue finish complete
launch release announce introduce support assist guide train teach answer respond reply
offer provide include contain cover allow enable let prevent block limit restrict
increase decrease grow reduce raise lower double triple extend expand shrink
color red blue green black white grey yellow orange purple pink brown silver gold
coffee tea lunch dinner breakfast food drink snack meal kitchen room desk chair door
car bike train bus flight hotel trip travel ticket seat gate airport station
family friend kid child parent partner wife husband son daughter brother sister
school university student teacher class lesson exam homework library
health doctor clinic hospital medicine insurance claim policy coverage premium
energy electricity gas water bill meter tariff supplier provider utility
music movie show episode series game player stream channel playlist podcast
news story topic detail fact reason example point part piece side end top bottom
front back middle inside outside beginning half whole rest lot bit set pair couple
number amount total sum count percent rate ratio share balance credit debit fee charge
tax shipping handling return exchange warranty guarantee repair replacement spare
feature request roadmap beta preview release patch bug glitch error crash freeze lag
outage downtime incident maintenance status uptime latency bandwidth traffic load
mobile android iphone ipad mac windows linux chrome firefox safari edge
`)

// syllables build the long tail of the vocabulary: product names, people's names, typos and
// the rest of the words a large set of comments holds once or twice.
var (
	onsets  = strings.Fields("b br c ch cl d dr f fl g gr h j k kl l m n p pl pr qu r s sh sk sl sm st t tr v w z")
	nuclei  = strings.Fields("a e i o u ai ea ee oo ou ie")
	codas   = strings.Fields("n r s t x l m nd nt rk ck st sh")
	endings = strings.Fields("o a ix er on us ly io en")
)

// tailWords makes n pseudo-words, the same ones for the same n.
func tailWords(n int) []string {
	seen := make(map[string]bool, n+len(realWords))
	for _, w := range realWords {
		seen[w] = true
	}
	out := make([]string, 0, n)
	h := uint64(0x5eed)
	for len(out) < n {
		var b strings.Builder
		h = mix(h + 1)
		parts := 1 + int(h%2)
		for p := 0; p < parts; p++ {
			h = mix(h)
			b.WriteString(onsets[h%uint64(len(onsets))])
			b.WriteString(nuclei[(h>>8)%uint64(len(nuclei))])
			if (h>>16)%3 == 0 {
				b.WriteString(codas[(h>>20)%uint64(len(codas))])
			}
		}
		if len(out)%2 == 0 || b.Len() < 4 {
			b.WriteString(endings[(h>>32)%uint64(len(endings))])
		}
		w := b.String()
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// stopWords join the filler's words the way function words join a sentence's, so that
// phrases with a stop word inside ("waste of money") occur in the filler too.
var stopWords = strings.Fields(`the the the a a a to to and and i i it it is is of of for my in was
that with on this you have be at but so we they your are not an as from or can will all there
me if about when what more their do very been has our had them up out just than then some`)
