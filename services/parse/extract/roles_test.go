package extract

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestReadingByRoles: each case is a way real reports are written, in our
// own words, that a reader must get right to give one alert per meeting.
func TestReadingByRoles(t *testing.T) {
	x := newTestExtractor(t)
	pub := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC) // a Wednesday
	for _, tc := range []struct {
		name, title, text string
		parties           []string // nil: no event
		mediators         []string
		city, start       string
		end               string // checked when set
		country           string // checked when set; "-" for none
		status            Status
	}{
		{
			name:    "host beside two sides is a mediator",
			text:    "The Saudi foreign minister welcomed Russian and American delegations to talks in Riyadh on Tuesday, and Saudi officials sat in on the session.",
			parties: []string{"RU", "US"}, mediators: []string{"SA"}, city: "Riyadh", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "the other side of a conflict, named by its leader, is no side",
			text:    "Kim Jong Un held his first summit with the Russian leader in Vladivostok on Tuesday, as he looked for a way out of his nuclear stalemate with U.S. President Donald Trump.",
			parties: []string{"KP", "RU"}, city: "Vladivostok", start: "2026-03-03",
		},
		{
			name:    "a side described before its name stays in the list of sides",
			text:    "Negotiations between Sudan's army and the paramilitary Rapid Support Forces broke down in Jeddah on Tuesday, US mediators said.",
			parties: []string{"SD"}, city: "Jeddah", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "the headquarters of a bloc is a venue in its city, not a side",
			text:    "The leaders of Serbia and Kosovo met at the EU headquarters on Tuesday for their first talks in a year.",
			parties: []string{"RS", "XK"}, city: "Brussels", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "UN headquarters is a venue in New York",
			text:    "The foreign ministers of Armenia and Azerbaijan met at UN headquarters on Tuesday on the sidelines of the General Assembly.",
			parties: []string{"AM", "AZ"}, city: "New York", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "talks that began on a day and last until another run from the one to the other",
			title:   "Serbia-Kosovo talks to last until Friday",
			text:    "Talks between Serbia and Kosovo, which began on Tuesday in Brussels, will last until Friday, an EU spokesman said.",
			parties: []string{"RS", "XK"}, city: "Brussels", start: "2026-03-03", end: "2026-03-06", status: StatusUnderway,
		},
		{
			name:    "talks begun on a day that last until another, in Russian",
			text:    "Переговоры Сербии и Косова, начавшиеся во вторник в Брюсселе, продлятся до пятницы, сообщил представитель ЕС.",
			parties: []string{"RS", "XK"}, city: "Brussels", start: "2026-03-03", end: "2026-03-06", status: StatusUnderway,
		},
		{
			name:    "talks begun on a day that last until another, in Ukrainian",
			text:    "Переговори Сербії та Косова, які розпочалися у вівторок у Брюсселі, триватимуть до п'ятниці, повідомив речник ЄС.",
			parties: []string{"RS", "XK"}, city: "Brussels", start: "2026-03-03", end: "2026-03-06", status: StatusUnderway,
		},
		{
			name:    "a side ready to resume talks holds none",
			text:    "Azerbaijan's foreign minister said on Wednesday that Baku was ready to resume peace talks with Armenia in Abu Dhabi without preconditions, but that Yerevan had so far refused.",
			parties: nil,
		},
		{
			name:    "a side ready to resume talks holds none, in Russian",
			text:    "Глава МИД Азербайджана заявил в среду, что Баку готов возобновить мирные переговоры с Арменией в Абу-Даби без предварительных условий, но Ереван пока отказывается.",
			parties: nil,
		},
		{
			name:    "the country a bloc's ministers meet to discuss is no side",
			title:   "African Union ministers meet in Addis Ababa to discuss Sudan",
			text:    "African Union foreign ministers met in Addis Ababa on Tuesday to discuss humanitarian aid to Sudan. Sudan's envoy joined the meeting by video link.",
			parties: nil,
		},
		{
			name:    "one side's talks with the mediators at their home are a round of the mediated talks",
			text:    "A Hamas delegation will travel to Cairo on Thursday for talks with Egyptian mediators on the next phase of the truce, a Hamas official said. Israel has not said whether it will send negotiators.",
			parties: []string{"IL", "PS"}, mediators: []string{"EG"}, city: "Cairo", start: "2026-03-05", status: StatusScheduled,
		},
		{
			name:    "the host of a summit is no side of a meeting on its sidelines",
			text:    "Japan's prime minister met South Korea's president on the sidelines of the G20 summit in Johannesburg on Tuesday, discussing trade. South African President Cyril Ramaphosa is hosting the two-day summit.",
			parties: []string{"JP", "KR"}, city: "Johannesburg", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "delegations that did not meet, in Ukrainian",
			text:    "Делегації Сербії та Косова не зустрічалися в Брюсселі у вівторок, хоча такі повідомлення з'явилися в соцмережах, заявили в ЄС.",
			parties: nil,
		},
		{
			name:    "a treaty initialled, in Russian",
			text:    "Министры иностранных дел Эфиопии и Эритреи во вторник парафировали в Джидде текст мирного соглашения, сообщил МИД Эфиопии.",
			parties: []string{"ER", "ET"}, city: "Jeddah", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "a meeting on the border is not in the dateline's city",
			text:    "BAKU, March 4 - The commissions on border delimitation of Azerbaijan and Armenia met on Tuesday on the border between the two countries, the Azerbaijani government said.",
			parties: []string{"AM", "AZ"}, city: "", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "officers from two countries are their sides",
			text:    "Military officers from India and Pakistan held a flag meeting at the Wagah border crossing on Tuesday, the Indian army said.",
			parties: []string{"IN", "PK"}, city: "Wagah", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "an article that tells only of a meeting long past reports none",
			text:    "Kosovo on Wednesday rejected a Serbian proposal on the status of the northern municipalities, calling it unacceptable. Serbia had handed over the proposal at the last round of talks between Serbia and Kosovo in Brussels in October.",
			parties: nil,
		},
		{
			name:    "two capitals paired by between are their governments",
			text:    "The first round of border talks between Bangkok and Phnom Penh was held in Kuala Lumpur on Monday, officials said.",
			parties: []string{"KH", "TH"}, city: "Kuala Lumpur", start: "2026-03-02", status: StatusHeld,
		},
		{
			name:    "a tense word inside a comparison says nothing of when",
			text:    "The summit of Kim Jong Un and Vladimir Putin in Vladivostok on Monday ran an hour longer than scheduled.",
			parties: []string{"KP", "RU"}, city: "Vladivostok", start: "2026-03-02", status: StatusHeld,
		},
		{
			name:  "talks launched days before the arrivals the news is about began that round",
			title: "Deal in sight as senior envoys join Serbia-Kosovo talks",
			text: "As senior negotiators gather in Brussels, talks between Serbia and Kosovo are expected to speed up. " +
				"Serbian and Kosovar chief negotiators arrived in Brussels, where the negotiations are taking place. " +
				"Their arrival signals progress in the talks that were launched Monday by technical teams.",
			parties: []string{"RS", "XK"}, city: "Brussels", start: "2026-03-02", status: StatusUnderway,
		},
		{
			name:    "a dateline in capitals before a colon",
			text:    "YEREVAN: Armenia and Azerbaijan agreed on Tuesday to extend their truce after two days of talks in Vienna, officials said.",
			parties: []string{"AM", "AZ"}, city: "Vienna", start: "2026-03-02", status: StatusHeld,
		},
		{
			name: "a status word as an adjective of something else says nothing of the meeting",
			text: "The special envoys of Armenia and Turkey will hold their fifth meeting on Friday. " +
				"The meeting will take place in the Turkish city of Kars, close to the closed border, a spokeswoman said.",
			parties: []string{"AM", "TR"}, city: "Kars", start: "2026-03-06", status: StatusScheduled,
		},
		{
			name:    "the atomic agency is a side of its talks",
			text:    "The head of the International Atomic Energy Agency held talks with Iran's foreign minister in Tehran on Tuesday on resuming inspections.",
			parties: []string{"IAEA", "IR"}, city: "Tehran", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:  "what the news came after is not the news",
			title: "Ukraine's negotiators meet US team in Paris after Moscow talks",
			text: "Ukrainian negotiators led by Rustem Umerov are meeting with the American delegation in Paris today, Ukraine's presidential office said, a day after US envoys returned from talks with Vladimir Putin in Moscow. " +
				"Umerov said the meeting would focus on the security guarantees.",
			parties: []string{"UA", "US"}, city: "Paris", start: "2026-03-04", status: StatusUnderway,
		},
		{
			name:    "a headline that names the round held and, after a comma, the next",
			title:   "Переговоры Армении и Азербайджана в Вене завершились, следующая встреча - в мае",
			text:    "Делегации Армении и Азербайджана во вторник завершили очередной раунд переговоров в Вене.",
			parties: []string{"AM", "AZ"}, city: "Vienna", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "the United States declined in Ukrainian",
			text:    "Делегації України та Сполучених Штатів провели зустріч у Женеві у вівторок.",
			parties: []string{"UA", "US"}, city: "Geneva", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "the White House declined in Ukrainian is the venue",
			text:    "Умєров прибув до Білого дому у вівторок на зустріч із Віткоффом.",
			parties: []string{"UA", "US"}, city: "Washington", start: "2026-03-03",
		},
		{
			name:    "the day of an evening address is the saying's",
			text:    "Делегації України та США проведуть зустріч у Женеві наступного тижня, заявив президент Володимир Зеленський у вечірньому зверненні в п'ятницю.",
			parties: []string{"UA", "US"}, city: "Geneva", start: "2026-03-09", status: StatusScheduled,
		},
		{
			name: "a host named among the sides after 'between' is one",
			text: "Talks between Ethiopia, Egypt and Sudan on the dam ended on Tuesday without agreement. " +
				"The two-day meeting in Addis Ababa was the first in two years.",
			parties: []string{"EG", "ET", "SD"}, city: "Addis Ababa", start: "2026-03-02", status: StatusHeld,
		},
		{
			name: "a duration another sentence gives runs on from the day talks began",
			text: "Armenian and Azerbaijani negotiators began a new round of talks in Geneva on Wednesday. " +
				"The talks, hosted by Switzerland, are expected to last three days.",
			parties: []string{"AM", "AZ"}, city: "Geneva", start: "2026-03-04", end: "2026-03-06", status: StatusUnderway,
		},
		{
			name: "go-betweens who say what they will do next helped the talks held",
			text: "Talks between Pakistan and Afghanistan collapsed in Istanbul on Tuesday after two days of negotiations, officials said. " +
				"Turkey and Qatar, which mediated the talks, said they would continue their efforts.",
			parties: []string{"AF", "PK"}, mediators: []string{"QA", "TR"}, city: "Istanbul", start: "2026-03-02", status: StatusHeld,
		},
		{
			name:    "a president who hosts two others is their host",
			text:    "President Donald Trump hosted the presidents of Rwanda and the Democratic Republic of Congo at the White House on Tuesday.",
			parties: []string{"CD", "RW"}, mediators: []string{"US"}, city: "Washington", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "Sudan's army and the RSF in Russian",
			text:    "Переговоры между суданской армией и Силами быстрого реагирования возобновятся в Джидде в пятницу.",
			parties: []string{"SD"}, city: "Jeddah", start: "2026-03-06", status: StatusScheduled,
		},
		{
			name:    "M23 in Cyrillic",
			text:    "Представители правительства ДР Конго и движения М23 провели в Дохе во вторник новый раунд переговоров.",
			parties: []string{"CD"}, city: "Doha", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:  "one side inviting the other to meet is an offer",
			title: "Aliyev invites Pashinyan to meet in Baku",
			text:  "Azerbaijani President Ilham Aliyev said on Tuesday he was inviting Armenian Prime Minister Nikol Pashinyan to Baku for talks, and dismissed an Armenian proposal for a meeting in Yerevan.",
		},
		{
			name:    "an organisation inviting the sides convenes them",
			text:    "The United Nations invited the Libyan Joint Military Commission to convene again in Geneva on March 18.",
			parties: []string{"LY"}, city: "Geneva", start: "2026-03-18", status: StatusScheduled,
		},
		{
			name:    "talks held at the invitation of a host",
			text:    "Ethiopian Prime Minister Abiy Ahmed and Eritrean President Isaias Afwerki held talks in Riyadh on Monday at the invitation of the Saudi crown prince.",
			parties: []string{"ER", "ET"}, city: "Riyadh", start: "2026-03-02", status: StatusHeld,
		},
		{
			name:    "the round held, not the next one agreed for no day yet",
			title:   "Armenia and Azerbaijan agree to continue border talks in Tbilisi",
			text:    "Armenia and Azerbaijan concluded border talks in Vienna after nearly five hours and the two sides agreed late on Tuesday to hold another round in Tbilisi.",
			parties: []string{"AM", "AZ"}, city: "Vienna", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "a duration in Ukrainian after a verb of lasting",
			text:    "Переговори делегацій Вірменії та Азербайджану у Відні тривали два дні і завершилися у вівторок.",
			parties: []string{"AM", "AZ"}, city: "Vienna", start: "2026-03-02", end: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "the guarantors of talks are go-betweens",
			text:    "Colombia's government and the ELN rebel group resumed peace talks in Caracas on Tuesday in a process guaranteed by Venezuela, Cuba and Norway.",
			parties: []string{"CO"}, mediators: []string{"CU", "NO", "VE"}, city: "Caracas", start: "2026-03-03",
		},
		{
			name:    "Georgian and South Ossetian representatives meet inside Georgia",
			text:    "Georgian and South Ossetian representatives met on Tuesday in the village of Ergneti for the latest session of the incident prevention mechanism.",
			parties: []string{"GE"}, city: "Ergneti", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "an organisation whose official announces the meeting is no side",
			text:    "Kosovo Prime Minister Albin Kurti and Serbian President Aleksandar Vucic will meet in Brussels on Friday for a high-level dialogue meeting, the EU's foreign policy chief said on Tuesday.",
			parties: []string{"RS", "XK"}, city: "Brussels", start: "2026-03-06", status: StatusScheduled,
		},
		{
			name: "counterparts from other countries are the other sides, not all",
			text: "Witkoff is expected to discuss the latest version of the peace plan in Berlin. " +
				"He is also due to hold talks on Friday with counterparts from France, Britain and Germany.",
			parties: []string{"DE", "FR", "GB", "US"}, start: "2026-03-06", status: StatusScheduled,
		},
		{
			name:    "what the talks settle in a country is not where they are",
			text:    "Президенты России и США встретятся в пятницу, сообщил Ушаков. По его словам, переговоры будут посвящены урегулированию на Украине.",
			parties: []string{"RU", "US"}, country: "-", start: "2026-03-06", status: StatusScheduled,
		},
		{
			name: "a meeting told as held by a report of a day took place by that day",
			text: "Комиссии Армении и Азербайджана по делимитации границы провели очередное заседание, сообщили в правительстве Армении во вторник. " +
				"Следующее заседание пройдет в Баку.",
			parties: []string{"AM", "AZ"}, start: "2026-02-25", end: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "he who says he will meet is a side",
			text:    "U.S. President Donald Trump said on Monday he would meet Chinese President Xi Jinping in South Korea next week on the sidelines of a regional summit.",
			parties: []string{"CN", "US"}, start: "2026-03-09", status: StatusScheduled,
		},
		{
			name: "no reason to meet is no meeting",
			text: "Trump wrote on social media that he saw no reason to meet Chinese leader Xi Jinping at a regional summit later this month.",
		},
		{
			name:    "a meeting that was scheduled for a weekday and called off",
			text:    "A meeting between Serbian President Aleksandar Vucic and Kosovo Prime Minister Albin Kurti that was scheduled for Monday in Brussels was called off at the last minute.",
			parties: []string{"RS", "XK"}, city: "Brussels", start: "2026-03-02", status: StatusCancelled,
		},
		{
			name:    "a side named by its government, then the list goes on after 'between'",
			text:    "The UN special envoy for Yemen convened talks between the Yemeni government and the Houthis in Muscat on Tuesday, his office said.",
			parties: []string{"YE"}, mediators: []string{"UN"}, city: "Muscat", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "the Houthis in Russian",
			text:    "Переговоры между правительством Йемена и хуситами начались в Маскате во вторник.",
			parties: []string{"YE"}, city: "Muscat", start: "2026-03-03",
		},
		{
			name:    "Colombia's ELN in Russian",
			text:    "Переговоры между правительством Колумбии и Армией национального освобождения возобновились в Каракасе во вторник.",
			parties: []string{"CO"}, city: "Caracas", start: "2026-03-03",
		},
		{
			name: "talks over the hotline are a call",
			text: "The directors general of military operations of India and Pakistan held talks over the hotline on Tuesday and agreed to keep the ceasefire along the Line of Control.",
		},
		{
			name: "the day before, in the same country but no named city, is another meeting",
			text: "Ukrainian and U.S. delegations began talks in Jeddah on Wednesday, Yermak said. " +
				"President Volodymyr Zelensky, who arrived in Saudi Arabia a day earlier and met the crown prince, will not take part in the talks.",
			parties: []string{"UA", "US"}, city: "Jeddah", start: "2026-03-04", status: StatusUnderway,
		},
		{
			name:    "ministers of three countries, one of them the host, are all sides; resuming this month is still to come",
			text:    "Water ministers of Egypt, Ethiopia and Sudan will resume negotiations on the dam in Khartoum this month, Sudan's irrigation ministry said on Tuesday.",
			parties: []string{"EG", "ET", "SD"}, city: "Khartoum", status: StatusScheduled,
		},
		{
			name:    "diplomats from other countries whom a side met are the others",
			text:    "Iranian deputy foreign ministers met senior diplomats from Britain, France and Germany in Istanbul on Tuesday to discuss the nuclear programme.",
			parties: []string{"DE", "FR", "GB", "IR"}, city: "Istanbul", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "a relative clause between the sides and their meeting verb",
			text:    "Members of Libya's 5+5 Joint Military Commission, which brings together officers from the rival eastern and western forces, met in Sirte on Tuesday under the auspices of the UN mission.",
			parties: []string{"LY"}, mediators: []string{"UN"}, city: "Sirte", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "who witnesses a signing is no side (Russian)",
			text:    "Президент Азербайджана Ильхам Алиев и премьер-министр Армении Никол Пашинян во вторник подписали в Белом доме мирное соглашение в присутствии президента США Дональда Трампа. Церемония прошла после трехсторонней встречи лидеров.",
			parties: []string{"AM", "AZ"}, mediators: []string{"US"}, city: "Washington", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "who witnesses a signing is no side",
			text:    "Azerbaijani President Ilham Aliyev and Armenian Prime Minister Nikol Pashinyan signed a peace agreement at the White House on Tuesday in the presence of U.S. President Donald Trump. The ceremony followed a trilateral meeting of the leaders.",
			parties: []string{"AM", "AZ"}, mediators: []string{"US"}, city: "Washington", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "St Vincent and the Caribbean Community",
			text:    "Venezuelan President Nicolas Maduro and Guyanese President Irfaan Ali met on Tuesday in St Vincent and the Grenadines in talks brokered by the Caribbean Community.",
			parties: []string{"GY", "VE"}, mediators: []string{"CARICOM"}, country: "VC", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "what comes after the meeting, between others, is not it",
			title:   "Witkoff, Kushner to meet Umerov in Geneva on Thursday before Iran talks",
			text:    "U.S. envoys Steve Witkoff and Jared Kushner will meet Ukraine's Rustem Umerov in Geneva on Thursday, a U.S. official said, before the Americans hold separate talks with an Iranian delegation in the Swiss city.",
			parties: []string{"UA", "US"}, city: "Geneva", start: "2026-03-05", status: StatusScheduled,
		},
		{
			name:    "talks between two sides, an envoy joins",
			text:    "A US envoy flew to Doha on Tuesday to join indirect talks between Israel and Hamas that resumed in the Qatari capital.",
			parties: []string{"IL", "PS"}, city: "Doha", start: "2026-03-03",
		},
		{
			name: "one side and the mediators of a track's standing talks",
			text: "Israeli, American and Qatari delegations arrived in Cairo on Tuesday to press on with the negotiations over a ceasefire in Gaza. " +
				"Hamas said its negotiators were ready.",
			parties: []string{"IL", "PS"}, mediators: []string{"EG", "QA", "US"}, city: "Cairo", start: "2026-03-03",
		},
		{
			name:    "one side and a partisan mediator at home stay sides",
			text:    "Netanyahu met Trump at the White House on Tuesday to discuss the ceasefire in Gaza, as Hamas weighed the latest offer.",
			parties: []string{"IL", "US"}, city: "Washington", start: "2026-03-03",
		},
		{
			name:    "one side and a mediator, not in a mediator's country, stay sides",
			text:    "Israeli and American officials met in Jerusalem on Tuesday to discuss the ceasefire in Gaza, as Hamas weighed the latest offer.",
			parties: []string{"IL", "US"}, city: "Jerusalem", start: "2026-03-03",
		},
		{
			name: "history told beside the meeting lends it no sides",
			text: "Chile and Peru signed a fisheries accord in Lima on Saturday. " +
				"The signing took place at the Torre Tagle Palace, the same hall where a border treaty was signed in 1929 between Chile, Peru and Bolivia.",
			parties: []string{"CL", "PE"}, city: "Lima", start: "2026-02-28",
		},
		{
			name: "an undated lead that reports what talks gave is the day's news",
			text: "Serbia and Kosovo agreed to reopen a border crossing during talks in Brussels.\n\n" +
				"The EU envoy said the deal would be put into effect within weeks.",
			parties: []string{"RS", "XK"}, city: "Brussels", start: "2026-03-04", status: StatusHeld,
		},
		{
			name: "the day of an arrival for talks is not the talks' day",
			text: "Trade negotiator Ryosei Akazawa arrived in Washington on Tuesday for a third round of tariff talks. " +
				"He is due to hold discussions on Thursday with Commerce Secretary Howard Lutnick.",
			parties: []string{"JP", "US"}, city: "Washington", start: "2026-03-05", status: StatusScheduled,
		},
		{
			name:    "an arrival for talks dates them when nothing else does",
			text:    "Trade negotiator Ryosei Akazawa arrived in Washington on Tuesday for a third round of tariff talks with Howard Lutnick.",
			parties: []string{"JP", "US"}, city: "Washington", start: "2026-03-03",
		},
		{
			name:    "a meeting that only may happen lends no day to one held",
			text:    "Akazawa and Lutnick held long discussions in Washington to close the deal, possibly at a meeting of the two leaders at a summit set to open on Monday in Canada.",
			parties: []string{"JP", "US"}, city: "Washington", start: "", status: StatusHeld,
		},
		{
			name:    "an office speaks of what its minister did",
			text:    "Dominic LeBlanc's office said the minister spent two hours with Howard Lutnick in Washington on Tuesday in a constructive meeting.",
			parties: []string{"CA", "US"}, city: "Washington", start: "2026-03-03", status: StatusHeld,
		},
		{
			name: "he opening a sentence is the person the one before opened with",
			text: "Ryosei Akazawa landed in Washington on Monday, his fourth trip in two months. " +
				"He will hold talks in Washington on Wednesday with American officials.",
			parties: []string{"JP", "US"}, city: "Washington", start: "2026-03-04",
		},
		{
			name: "a perfect tense dates the talks today only when nothing else does",
			text: "Indian and American negotiators have concluded a fifth round of trade talks in Washington. " +
				"The talks, which took place over four days from February 23 to 26, covered farm goods.",
			parties: []string{"IN", "US"}, city: "Washington", start: "2026-02-23", status: StatusHeld,
		},
		{
			name:    "a border meeting point is the place",
			text:    "Indian and Chinese corps commanders will hold their next round of talks on Friday at Moldo, on the Chinese side of the line.",
			parties: []string{"CN", "IN"}, city: "Moldo", start: "2026-03-06", status: StatusScheduled,
		},
		{
			name:    "a handshake is a meeting, at a place named by its kind",
			text:    "Donald Trump shook hands with Ursula von der Leyen on Sunday in the ballroom of his Turnberry resort.",
			parties: []string{"EU", "US"}, city: "Turnberry", start: "2026-03-01", status: StatusHeld,
		},
		{
			name:    "a breakaway authority takes its state's code (Ukrainian)",
			text:    "Представники Молдови та Придністров'я зустрілися у вівторок у Бендерах за посередництва ОБСЄ.",
			parties: []string{"MD"}, mediators: []string{"OSCE"}, city: "Bender", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "a city's older name (Russian)",
			text:    "Делегации Армении и Азербайджана провели во вторник в Алма-Ате переговоры по делимитации границы.",
			parties: []string{"AM", "AZ"}, city: "Almaty", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "a host's residence is a venue as well as its government's name",
			text:    "Prime Minister Keir Starmer will host Ukrainian President Volodymyr Zelensky at Downing Street on Monday for talks on security guarantees.",
			parties: []string{"GB", "UA"}, city: "London", start: "2026-03-09", status: StatusScheduled,
		},
		{
			name:    "a declined city name (Ukrainian)",
			text:    "Зеленський і Трамп зустрінуться в Гаазі 24 червня.",
			parties: []string{"UA", "US"}, city: "The Hague", start: "2026-06-24", status: StatusScheduled,
		},
		{
			name:    "a dialogue placed in a country is no call",
			text:    "Venezuela's government and opposition resumed their dialogue in Barbados on Tuesday with Norwegian mediation.",
			parties: []string{"VE"}, mediators: []string{"NO"}, start: "2026-03-03",
		},
		{
			name:    "a leader known by name alone",
			text:    "The summit between Donald Trump and Kim Jong Un in Hanoi ended abruptly on Tuesday without an agreement.",
			parties: []string{"KP", "US"}, city: "Hanoi", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "under the auspices of a peacekeeping force",
			text:    "Israeli and Lebanese military officers met at the UN post in Naqoura on Tuesday under the auspices of UNIFIL.",
			parties: []string{"IL", "LB"}, mediators: []string{"UN"}, city: "Naqoura", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:  "a headline's country of the war does not part the talks from their city",
			title: "New round of peace talks in Ukraine postponed until mid-week",
			text: "A new round of trilateral talks between Russia, Ukraine and the United States has been postponed until mid-week. " +
				"Zelensky said the meeting would be held on March 11-12 in Abu Dhabi.",
			parties: []string{"RU", "UA", "US"}, city: "Abu Dhabi", start: "2026-03-11", status: StatusPostponed,
		},
		{
			name:    "a meeting going on as the article is written, with no place or date",
			text:    "Умеров і Віткофф знову зустрічаються прямо зараз, повідомили джерела.",
			parties: []string{"UA", "US"}, start: "2026-03-04", status: StatusUnderway,
		},
		{
			name:    "a meeting something already done came after is over",
			text:    "The United States will resume aid, according to a joint statement issued after a meeting of the Ukrainian and American delegations in Jeddah on Wednesday.",
			parties: []string{"UA", "US"}, city: "Jeddah", start: "2026-03-04", status: StatusHeld,
		},
		{
			name:    "the war the talks are about",
			text:    "Negotiators from Ukraine and the United States will meet in Geneva on Friday to discuss ending the war with Russia.",
			parties: []string{"UA", "US"}, city: "Geneva", start: "2026-03-06", status: StatusScheduled,
		},
		{
			name:    "a government and a movement of its own country",
			text:    "Envoys of the Ethiopian government and the TPLF opened peace talks in Pretoria on Monday under African Union mediation.",
			parties: []string{"ET"}, city: "Pretoria", start: "2026-03-02",
		},
		{
			name:    "people and their sides read from the text",
			text:    "Malawian Foreign Minister Tamba Kofele met Zambian Trade Minister Ruth Mbewe in Lusaka on Tuesday. Kofele said the talks with Mbewe were useful.",
			parties: []string{"MW", "ZM"}, city: "Lusaka", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "a person introduced in apposition",
			text:    "Tamba Kofele, Malawi's foreign minister, flew out on Monday. Kofele met Zambian officials in Lusaka on Tuesday.",
			parties: []string{"MW", "ZM"}, city: "Lusaka", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "delegations from three countries, one of them a broker elsewhere",
			text:    "Delegations from the United States, Ukraine and Russia arrived in Abu Dhabi on Tuesday for trilateral talks. Washington has tried to broker a settlement for months.",
			parties: []string{"RU", "UA", "US"}, city: "Abu Dhabi", start: "2026-03-03",
		},
		{
			name:    "between rivals described before their names",
			text:    "Iraq will host another round of talks between regional rivals Iran and Saudi Arabia in Baghdad on Friday.",
			parties: []string{"IR", "SA"}, mediators: []string{"IQ"}, city: "Baghdad", start: "2026-03-06", status: StatusScheduled,
		},
		{
			name:    "a side's own negotiations",
			text:    "Pakistan's high-stakes negotiations with Afghanistan in Istanbul collapsed on Tuesday, the defence minister said.",
			parties: []string{"AF", "PK"}, city: "Istanbul", start: "2026-03-03",
		},
		{
			name:    "an organisation's membership is what is talked about",
			text:    "Ukrainian and American negotiators met in Berlin on Sunday to discuss security guarantees in place of NATO membership.",
			parties: []string{"UA", "US"}, city: "Berlin", start: "2026-03-01", status: StatusHeld,
		},
		{
			name:    "a city the gazetteer lacks, named with its country",
			text:    "Delegations of Armenia and Azerbaijan held a new round of talks in Gabala, Azerbaijan, on Monday.",
			parties: []string{"AM", "AZ"}, city: "Gabala", start: "2026-03-02", status: StatusHeld,
		},
		{
			name:    "next week in Russian",
			text:    "Делегации Армении и Азербайджана встретятся в Женеве на следующей неделе.",
			parties: []string{"AM", "AZ"}, city: "Geneva", start: "2026-03-09", status: StatusScheduled,
		},
		{
			name:    "a perfective verb in Ukrainian speaks of the future",
			text:    "Делегації Вірменії та Азербайджану цього тижня зустрінуться у Женеві.",
			parties: []string{"AM", "AZ"}, city: "Geneva", start: "2026-03-04", status: StatusScheduled,
		},
		{
			name:    "a headline dates what the body leaves undated",
			title:   "Armenian and Azerbaijani leaders begin talks in Abu Dhabi",
			text:    "The leaders of Armenia and Azerbaijan began talks in Abu Dhabi, officials said. The agenda was not disclosed.",
			parties: []string{"AM", "AZ"}, city: "Abu Dhabi", start: "2026-03-04", status: StatusUnderway,
		},
		{
			name:    "two rounds in one sentence, the second sharing the first's place",
			title:   "Kenya and Ethiopia wrap up second round of border talks",
			text:    "Kenyan and Ethiopian negotiators have now met twice. Their first round of border talks was held in Nairobi on Feb. 19-20, with the second round taking place March 2-3.",
			parties: []string{"ET", "KE"}, city: "Nairobi", start: "2026-03-02", status: StatusHeld,
		},
		{
			name:    "a story glued to the photo credit before it",
			text:    "Photo: Ahmed Saleh/Reuters/Getty ImagesEgypt will host a new round of talks between Ethiopia and Sudan in Cairo on Friday, the foreign ministry said.The date was agreed last week.",
			parties: []string{"ET", "SD"}, mediators: []string{"EG"}, city: "Cairo", start: "2026-03-06", status: StatusScheduled,
		},
		{
			name:      "indirect talks: whoever else is there carries messages",
			text:      "Israeli negotiators began indirect talks with Hamas in Cairo on Tuesday. An American envoy met the negotiators there as well.",
			parties:   []string{"IL", "PS"},
			mediators: []string{"US"}, city: "Cairo", start: "2026-03-03",
		},
		{
			name:    "a page's date stamp is not the meeting's",
			text:    "date 2026-03-04 The foreign ministers of Kenya and Ethiopia will meet in Nairobi on Friday to discuss the border.",
			parties: []string{"ET", "KE"}, city: "Nairobi", start: "2026-03-06", status: StatusScheduled,
		},
		{
			name:    "a truce extended at talks that ended, and the next meeting",
			text:    "Пакистан та Афганістан домовилися про продовження перемир'я на переговорах у Стамбулі.\n\nНаступна зустріч відбудеться у Стамбулі 6 березня.",
			parties: []string{"AF", "PK"}, city: "Istanbul", status: StatusHeld,
		},
		{
			name:    "a capital inflected in Ukrainian",
			text:    "Делегації Вірменії та Азербайджану провели переговори в Мадриді 3 березня.",
			parties: []string{"AM", "AZ"}, city: "Madrid", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "a town the gazetteer lacks, named as a town",
			text:    "Japanese and South Korean trade ministers met at a South Korean hotel on Tuesday.\n\nThe meeting, held in the coastal city of Gangneung, was their first this year.",
			parties: []string{"JP", "KR"}, city: "Gangneung", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "the capital named after its country",
			text:    "Президент Азербайджана Ильхам Алиев и премьер-министр Армении Никол Пашинян 6 марта в столице Объединенных Арабских Эмиратов Абу-Даби проведут переговоры.",
			parties: []string{"AM", "AZ"}, city: "Abu Dhabi", start: "2026-03-06", status: StatusScheduled,
		},
		{
			name:    "the capital of a country, then its name",
			text:    "Envoys of Sudan and South Sudan will meet in the capital of Kenya, Nairobi, on Friday.",
			parties: []string{"SD", "SS"}, city: "Nairobi", start: "2026-03-06", status: StatusScheduled,
		},
		{
			name: "discussions by phone name no meeting",
			text: "Japan's trade negotiator and the US Treasury Secretary agreed on Tuesday to continue discussions after a phone call.",
		},
		{
			name: "a wish for talks is no meeting",
			text: "Iran's president spoke in favour of resuming negotiations with the United States on Sunday.",
		},
		{
			name:    "a round that will not be held",
			text:    "The talks between Iran and the United States planned for Sunday in Muscat will not be held, the Omani foreign minister said.",
			parties: []string{"IR", "US"}, city: "Muscat", status: StatusCancelled,
		},
		{
			name:    "a long body's name between the meeting and its verb",
			title:   "High-Level Meet In Niamey: Chad, Niger Discuss Border",
			text:    "The ninth meeting of the Joint Standing Commission for Security Cooperation and Border Management (JSC) on Chad-Niger Border Affairs was held in Niamey, the foreign ministry said.",
			parties: []string{"NE", "TD"}, city: "Niamey", start: "2026-03-04", status: StatusHeld,
		},
		{
			name:    "a movement that has become the government",
			text:    "Pakistan's talks with Afghanistan in Istanbul ended on Friday without a deal, after the Taliban delegation refused to sign a written text. The Taliban delegation flew home.",
			parties: []string{"AF", "PK"}, city: "Istanbul", start: "2026-02-27", status: StatusHeld,
		},
		{
			name:    "a meeting dated by the arrival of its people",
			text:    "The Armenian foreign minister will meet his Azerbaijani counterpart in Geneva, his office said. The minister arrives in Geneva on Thursday with a small team.",
			parties: []string{"AM", "AZ"}, city: "Geneva", start: "2026-03-05", status: StatusScheduled,
		},
		{
			name:    "a meeting dated by an arrival, in Russian",
			text:    "Министр иностранных дел Армении проведет переговоры с азербайджанским коллегой в Женеве. Министр приедет в Женеву в четверг.",
			parties: []string{"AM", "AZ"}, city: "Geneva", start: "2026-03-05", status: StatusScheduled,
		},
		{
			name:  "a pause in talks and an earlier meeting recalled, in Russian",
			title: "Министр объяснил паузу в переговорах с Арменией",
			text: "Пауза в переговорах с Арменией возникла из-за позиции Еревана, заявил министр иностранных дел Азербайджана.\n\n" +
				"Он напомнил, что на встрече делегаций Азербайджана и Армении в Вене были подготовлены предложения по границе.",
		},
		{
			name:    "the date next to the meeting, not the agreement's",
			text:    "The deal between Armenia and Azerbaijan, reached on February 20, sets a new meeting for March 10 in Vienna.",
			parties: []string{"AM", "AZ"}, city: "Vienna", start: "2026-03-10", status: StatusScheduled,
		},
		{
			name:    "a trilateral meeting whose third side is read as its broker",
			text:    "Trilateral talks between Russia and Ukraine, brokered by the United States, opened in Abu Dhabi on Tuesday.",
			parties: []string{"RU", "UA", "US"}, city: "Abu Dhabi", start: "2026-03-03",
		},
		{
			name:    "sides named before the one who brokers",
			text:    "Talks between Russia and Ukraine, mediated by Qatar, opened in Abu Dhabi on Tuesday.",
			parties: []string{"RU", "UA"}, mediators: []string{"QA"}, city: "Abu Dhabi", start: "2026-03-03",
		},
		{
			name:    "sides listed in brackets after the group they form",
			text:    "The round in Addis Ababa on Monday and Tuesday was held with the participation of the neighbouring states (Kenya, Uganda, Tanzania), the Sudanese government and the Sudanese armed opposition.",
			parties: []string{"KE", "SD", "TZ", "UG"}, city: "Addis Ababa", start: "2026-03-02", status: StatusHeld,
		},
		{
			name:    "talks set to go on over the days ahead",
			text:    "Talks between Armenia and Azerbaijan are set to continue in Vienna this week.",
			parties: []string{"AM", "AZ"}, city: "Vienna", status: StatusScheduled,
		},
		{
			name:    "a headline's coming visit, dated by the body",
			title:   "Armenian Team To Soon Visit Vienna Again For Talks With Azerbaijan",
			text:    "\"Whatever will be finished, we will sign, and talks on the rest will continue,\" an official said. The team is expected to visit Vienna next week. Last month, an Armenian team returned from Vienna after holding talks with Azerbaijani negotiators between February 2 and February 6.",
			parties: []string{"AM", "AZ"}, city: "Vienna", start: "2026-03-09", status: StatusScheduled,
		},
		{
			name:    "a visit dates the headline's talks",
			title:   "Armenian Team To Soon Visit Vienna For Talks With Azerbaijan",
			text:    "According to sources, the team is expected to visit Vienna next week.",
			parties: []string{"AM", "AZ"}, city: "Vienna", start: "2026-03-09", status: StatusScheduled,
		},
		{
			name:    "a statement that names the meeting by its city",
			text:    "Officials of Armenia and Azerbaijan will hold a new round of talks in Turkey on Friday. Spokespeople for both governments confirmed the Istanbul talks.",
			parties: []string{"AM", "AZ"}, city: "Istanbul", start: "2026-03-06", status: StatusScheduled,
		},
		{
			name:    "a country's capital named by the country",
			text:    "Teams from Armenia and Azerbaijan resumed their talks in Austria's capital on Tuesday.",
			parties: []string{"AM", "AZ"}, city: "Vienna", start: "2026-03-03",
		},
		{
			name:    "the dateline places a meeting nothing else places",
			text:    "MINSK (Reuters) - Belarusian and US officials held six hours of talks on Tuesday, the Belarusian side said.",
			parties: []string{"BY", "US"}, city: "Minsk", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "the dateline does not place a coming meeting",
			text:    "KYIV (Reuters) - Ukrainian and US negotiators will hold talks on Friday, officials said.",
			parties: []string{"UA", "US"}, city: "", start: "2026-03-06", status: StatusScheduled,
		},
		{
			name:    "a clause joined by 'with' is told in the first one's tense",
			title:   "Armenia and Azerbaijan agree a border deal",
			text:    "Officials from Armenia and Azerbaijan held two days of talks from Monday in Vienna, with the two sides signing a statement in a ceremony on Wednesday.",
			parties: []string{"AM", "AZ"}, city: "Vienna", start: "2026-03-02", status: StatusHeld,
		},
		{
			name:    "talks that go on until a later day",
			text:    "Delegations from Armenia and Azerbaijan met in Vienna this Wednesday to resume their talks. The dialogue is expected to continue until Friday.",
			parties: []string{"AM", "AZ"}, city: "Vienna", start: "2026-03-04", status: StatusUnderway,
		},
		{
			name:    "'it' is the meeting of the sentence before",
			text:    "Armenian and Azerbaijani officials are having a consultative meeting in Nairobi. It started on Wednesday and is expected to last three days.",
			parties: []string{"AM", "AZ"}, city: "Nairobi", start: "2026-03-04", status: StatusUnderway,
		},
		{
			name:    "a regime and an armed group at talks a neighbour brokers",
			text:    "China-brokered talks between the regime and the Arakan Army opened in Kunming on Tuesday.",
			parties: []string{"MM"}, mediators: []string{"CN"}, city: "Kunming", start: "2026-03-03",
		},
		{
			name:    "talks planned by a third country",
			text:    "Armenian and Azerbaijani envoys opened talks planned by Kazakhstan in Vienna on Tuesday.",
			parties: []string{"AM", "AZ"}, mediators: []string{"KZ"}, city: "Vienna",
		},
		{
			name:    "demonyms CLDR does not give",
			text:    "Kosovar and Serbian envoys met in Brussels on Tuesday, while South Sudanese and Sudanese officials met in Juba.",
			parties: []string{"RS", "XK"}, city: "Brussels", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "a standing format stands for its members, its chairs help",
			text:    "The 60th round of the Geneva International Discussions opened in Geneva on Tuesday.",
			parties: []string{"GE", "RU", "US"}, mediators: []string{"EU", "OSCE", "UN"}, city: "Geneva", start: "2026-03-03",
		},
		{
			name:    "a bloc signs with its members, the host among them",
			text:    "The EU and Mercosur signed the trade agreement in Montevideo on Tuesday.",
			parties: []string{"AR", "BR", "EU", "PY", "UY"}, city: "Montevideo", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "a format written with a word in lower case",
			text:    "Talks in the Normandy format opened in Paris on Tuesday.",
			parties: []string{"DE", "FR", "RU", "UA"}, city: "Paris", start: "2026-03-03",
		},
		{
			name:    "observers named after 'as well as'",
			text:    "Talks in Vienna on Tuesday involved the delegations of Armenia and Azerbaijan, as well as high-ranking representatives from the United Nations, Georgia and Iran.",
			parties: []string{"AM", "AZ"}, city: "Vienna", start: "2026-03-03",
		},
		{
			name:    "a second 'from' goes on the list of sides",
			text:    "Representatives from Ethiopia and from the Tigrayan government are set to attend the peace talks in Pretoria on Friday.",
			parties: []string{"ET"}, city: "Pretoria", start: "2026-03-06", status: StatusScheduled,
		},
		{
			name:    "an envoy with a long title is quoted, not at the table",
			text:    "Armenian and Azerbaijani envoys met in Vienna on Tuesday. US special envoy for the South Caucasus Mike Hammer said the talks were useful.",
			parties: []string{"AM", "AZ"}, city: "Vienna", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "talks launched this week are under way",
			text:    "Talks between Armenia and Azerbaijan that were launched in Vienna on Monday are making progress, officials said.",
			parties: []string{"AM", "AZ"}, city: "Vienna", start: "2026-03-02", status: StatusUnderway,
		},
		{
			name:    "country names written as abbreviations, in Russian",
			text:    "Переговоры между США и КНР прошли в Женеве 10-11 февраля.",
			parties: []string{"CN", "US"}, city: "Geneva", start: "2026-02-10", status: StatusHeld,
		},
		{
			name:    "a headline's helpers and its 'Pak-Afghan' sides",
			title:   "Minister optimistic about Qatar-Turkey mediation on Pak-Afghan ceasefire",
			text:    "The agreement sets a principal-level meeting for 6 March in Istanbul to finalise implementation.",
			parties: []string{"AF", "PK"}, city: "Istanbul", start: "2026-03-06", status: StatusScheduled,
		},
		{
			name:    "the two communities of one island",
			text:    "Greek Cypriot leader Nikos Christodoulides and Turkish Cypriot leader Tufan Erhurman will meet in Geneva next week for informal talks on the divided island.",
			parties: []string{"CY"}, city: "Geneva", status: StatusScheduled,
		},
		{
			name:    "arrived today to continue talks held last week",
			title:   "Venezuelan sides reopen talks in Barbados",
			text:    "Venezuelan sides reopen talks in Barbados\n\nCaracas (AFP) –\n\nRepresentatives of the Venezuelan government and the opposition have arrived in Barbados to continue talks.\n\nLast week, the rival factions agreed to set up a platform for ongoing negotiations, mediated by Norway, after three days of talks on the island.",
			parties: []string{"VE"}, start: "2026-03-04",
		},
		{
			name:    "a cancellation told with a verb, in Russian",
			text:    "Переговоры Армении и Азербайджана в Вене, запланированные на пятницу, отменили.",
			parties: []string{"AM", "AZ"}, city: "Vienna", status: StatusCancelled,
		},
		{
			name:    "a cancellation told with a verb, in Ukrainian",
			text:    "Переговори Вірменії та Азербайджану у Відні, заплановані на п'ятницю, скасували.",
			parties: []string{"AM", "AZ"}, city: "Vienna", status: StatusCancelled,
		},
		{
			name:    "the second day of talks, in Ukrainian",
			text:    "Переговори Вірменії та Азербайджану у Відні тривають другий день.",
			parties: []string{"AM", "AZ"}, city: "Vienna", start: "2026-03-03", status: StatusUnderway,
		},
		{
			name:    "talks put off, in Ukrainian",
			text:    "Переговори Вірменії та Азербайджану у Відні відклали на тиждень.",
			parties: []string{"AM", "AZ"}, city: "Vienna", status: StatusPostponed,
		},
		{
			name: "a sentence naming the source dates the saying, not the meeting (Russian)",
			text: "Спецпосланник США Стив Уиткофф анонсировал встречу с Рустемом Умеровым в Женеве. " +
				"Об этом он заявил по видеосвязи во время встречи на форуме 3 марта.",
			parties: []string{"UA", "US"}, city: "Geneva", status: StatusScheduled,
		},
		{
			name: "the day of arrival within the week a meeting is set for (Ukrainian)",
			text: "Американські та українські переговорники зустрінуться в Женеві цього тижня. " +
				"Віткофф прибуде до Женеви в п'ятницю, 6 березня.",
			parties: []string{"UA", "US"}, city: "Geneva", start: "2026-03-06", status: StatusScheduled,
		},
		{
			name:    "are meeting today, at an hour still to come",
			text:    "Armenian and Azerbaijani foreign ministers are meeting in Vienna today. The meeting is scheduled for 4 p.m. local time.",
			parties: []string{"AM", "AZ"}, city: "Vienna", start: "2026-03-04", status: StatusScheduled,
		},
		{
			name:    "are meeting right now, and others will join later",
			text:    "Armenian and Azerbaijani foreign ministers are meeting in Vienna right now. Their deputies will join the talks later.",
			parties: []string{"AM", "AZ"}, city: "Vienna", start: "2026-03-04", status: StatusUnderway,
		},
		{
			name:    "met today, and meeting again right now, in a quotation set off as its own block",
			text:    "Ukrainian and US negotiators met in Miami today.\n\nUmerov and Witkoff are meeting again right now,\n\n— two people familiar with the talks told AFP.",
			parties: []string{"UA", "US"}, city: "Miami", start: "2026-03-04", status: StatusUnderway,
		},
		{
			name:    "capitals stand for governments in Russian",
			text:    "Переговорщики Белграда и Приштины встретятся в Брюсселе в пятницу.",
			parties: []string{"RS", "XK"}, city: "Brussels", start: "2026-03-06", status: StatusScheduled,
		},
		{
			name:    "a capital after its country's abbreviation in brackets is the place",
			text:    "В столице Объединенных Арабских Эмиратов (ОАЭ) Абу-Даби во вторник начались переговоры делегаций Армении и Азербайджана.",
			parties: []string{"AM", "AZ"}, city: "Abu Dhabi", start: "2026-03-03",
		},
		{
			name:    "a place before a comma and its source is the meeting's (Ukrainian)",
			text:    "Переговірники Молдови та Придністров'я зустрілися у вівторок у Бендерах, повідомило бюро реінтеграції.",
			parties: []string{"MD"}, city: "Bender", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "negotiators from two capitals speak for them",
			text:    "Negotiators from Chisinau and Tiraspol met in Bender on Tuesday.",
			parties: []string{"MD"}, city: "Bender", start: "2026-03-03", status: StatusHeld,
		},
		{
			name: "an organisation's envoy goes between the sides",
			text: "Serbian and Kosovar negotiators met in Brussels on Tuesday with the EU special representative Peter Sorensen. " +
				"EU envoy Peter Sorensen said the two sides had agreed on a timetable.",
			parties: []string{"RS", "XK"}, mediators: []string{"EU"}, city: "Brussels", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "an organisation's envoy who chairs the meeting (Russian)",
			text:    "Переговорщики Белграда и Приштины встретятся в Брюсселе в пятницу. Встречу проведет спецпредставитель ЕС Петер Сёренсен.",
			parties: []string{"RS", "XK"}, mediators: []string{"EU"}, city: "Brussels", start: "2026-03-06", status: StatusScheduled,
		},
		{
			name:    "an armed movement and a government named without its country",
			text:    "Houthi and government negotiators met in Muscat on Tuesday, the UN envoy's office said.",
			parties: []string{"YE"}, city: "Muscat", start: "2026-03-03", status: StatusHeld,
		},
		{
			name: "a meeting that may take place is none (Russian)",
			text: "Новый раунд переговоров делегаций Армении и Азербайджана в Вене может состояться на следующей неделе, заявил представитель МИД.",
		},
		{
			name: "a host counted among three sides negotiates",
			text: "Water ministers from Egypt, Ethiopia and Sudan ended two days of talks in Addis Ababa on Tuesday without agreement on the dam. " +
				"The African Union urged the three countries to return to the table.",
			parties: []string{"EG", "ET", "SD"}, city: "Addis Ababa", start: "2026-03-02", status: StatusHeld,
		},
		{
			name:    "a standing format's members are its sides, whoever else speaks for a territory",
			text:    "Georgian and Russian delegations, along with representatives of Abkhazia and South Ossetia, gathered in Geneva on Tuesday for a new round of the Geneva International Discussions.",
			parties: []string{"GE", "RU", "US"}, city: "Geneva", start: "2026-03-03",
		},
		{
			name:    "who holds the gathering a meeting is held beside is no side",
			text:    "Sergei Lavrov and Marco Rubio held talks on the sidelines of an ASEAN ministerial meeting in Kuala Lumpur on Tuesday.",
			parties: []string{"RU", "US"}, city: "Kuala Lumpur", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "who holds the gathering a meeting is held beside is no side (Russian)",
			text:    "Министр иностранных дел России Сергей Лавров и госсекретарь США Марко Рубио во вторник провели переговоры на полях министерской встречи АСЕАН в Куала-Лумпуре.",
			parties: []string{"RU", "US"}, city: "Kuala Lumpur", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "the second day's date: the talks began the day before (Ukrainian)",
			text:    "Делегації України та США у вівторок провели другий день переговорів у Джидді, повідомив Рустем Умєров.",
			parties: []string{"UA", "US"}, city: "Jeddah", start: "2026-03-02",
		},
		{
			name: "talks by videoconference are no meeting (Ukrainian)",
			text: "Представники Вірменії та Азербайджану у вівторок провели переговори щодо обміну полоненими в режимі відеоконференції, повідомило МЗС.",
		},
		{
			name:    "the city of a press conference is the statement's (Russian)",
			text:    "Следующая встреча армянской и азербайджанской делегаций состоится в начале апреля, заявил премьер-министр Армении во время пресс-конференции в Ереване.",
			parties: []string{"AM", "AZ"}, city: "", start: "2026-04-01", status: StatusScheduled,
		},
		{
			name:    "an envoy attending is no side",
			text:    "Israeli and Lebanese military officers held a meeting at the UN peacekeepers' headquarters in Naqoura on Tuesday, with a US envoy attending, the Lebanese army said.",
			parties: []string{"IL", "LB"}, city: "Naqoura", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "talks between an army and a paramilitary force of one country, dragging on",
			text:    "Talks between Sudan's army and the Rapid Support Forces dragged into a third day in Jeddah on Wednesday.",
			parties: []string{"SD"}, city: "Jeddah", start: "2026-03-02", status: StatusUnderway,
		},
		{
			name:    "a meeting called off, however long the words that name it",
			text:    "A meeting between Serbian President Aleksandar Vucic and Kosovo Prime Minister Albin Kurti that was to take place in Brussels was called off at the last minute, the EU said.",
			parties: []string{"RS", "XK"}, city: "Brussels", status: StatusCancelled,
		},
		{
			name:    "the verb of saying after a comma opens the attribution; the names before it are sides (Ukrainian)",
			text:    "У вівторок у Відні завершився другий раунд тристоронніх переговорів Вірменії, Азербайджану та Грузії, повідомив речник МЗС Вірменії.",
			parties: []string{"AM", "AZ", "GE"}, city: "Vienna", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:  "talks in a country, and a signing elsewhere long before (Russian)",
			title: "Пашинян и Алиев начали переговоры в ОАЭ",
			text: "Премьер-министр Армении Никол Пашинян и президент Азербайджана Ильхам Алиев начали переговоры в Объединенных Арабских Эмиратах. " +
				"8 августа 2025 года Алиев и Пашинян в Белом доме подписали декларацию.",
			parties: []string{"AM", "AZ"}, city: "", start: "2026-03-04", status: StatusUnderway,
		},
		{
			name:    "a signing is a meeting (Ukrainian)",
			text:    "Міністри оборони України та Польщі у вівторок у Варшаві підписали угоду про спільне виробництво безпілотників.",
			parties: []string{"PL", "UA"}, city: "Warsaw", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "Ukrainian з with a name in the instrumental is with, not from",
			text:    "Делегація Вірменії прибула до Відня для участі в переговорах з Азербайджаном, які розпочнуться в понеділок.",
			parties: []string{"AM", "AZ"}, city: "Vienna", start: "2026-03-09", status: StatusScheduled,
		},
		{
			name:    "the capital of a country named by the country (Russian)",
			text:    "В столице Казахстана во вторник состоялись переговоры министров иностранных дел Армении и Азербайджана.",
			parties: []string{"AM", "AZ"}, city: "Astana", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "the capital of a country, named after it",
			text:    "Armenian and Azerbaijani ministers met in the capital of the UAE, Abu Dhabi, on Tuesday.",
			parties: []string{"AM", "AZ"}, city: "Abu Dhabi", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "sides who sit in separate rooms meet",
			text:    "When Iranian and American negotiators sat in separate rooms at a government villa in Muscat on Tuesday, it was their first contact in a year.",
			parties: []string{"IR", "US"}, city: "Muscat", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "a town of Tigray",
			text:    "Military commanders of the Ethiopian government and the Tigrayan rebels had a meeting in Shire on Tuesday.",
			parties: []string{"ET"}, city: "Shire", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "the two Koreas at a truce village",
			text:    "The two Koreas held military talks at the truce village of Panmunjom on Tuesday.",
			parties: []string{"KP", "KR"}, city: "Panmunjom", start: "2026-03-03", status: StatusHeld,
		},
		{
			name:    "a cancellation that did not happen",
			text:    "Envoys of Serbia and Kosovo met in Brussels on Tuesday. The session was almost called off over a border incident, but both delegations came.",
			parties: []string{"RS", "XK"}, city: "Brussels", start: "2026-03-03", status: StatusHeld,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			evs := x.Extract(Article{Title: tc.title, Text: tc.text, Published: pub})
			if tc.parties == nil {
				if len(evs) > 0 {
					t.Fatalf("want no event, got %s %v @%s", evs[0].Status, evs[0].Parties, evs[0].Location.City)
				}
				return
			}
			if len(evs) == 0 {
				t.Fatal("want an event, got none")
			}
			e := evs[0]
			if !slices.Equal(e.Parties, tc.parties) {
				t.Errorf("parties = %v, want %v (evidence %q)", e.Parties, tc.parties, strings.Join(e.Evidence, " | "))
			}
			for _, m := range tc.mediators {
				if !slices.Contains(e.Mediators, m) {
					t.Errorf("mediators = %v, want %s among them", e.Mediators, m)
				}
			}
			if e.Location.City != tc.city {
				t.Errorf("city = %q, want %q", e.Location.City, tc.city)
			}
			if tc.start != "" && e.StartDate() != tc.start {
				t.Errorf("start = %s, want %s", e.StartDate(), tc.start)
			}
			if tc.status != "" && e.Status != tc.status {
				t.Errorf("status = %s, want %s", e.Status, tc.status)
			}
			if tc.end != "" && e.EndDate() != tc.end {
				t.Errorf("end = %s, want %s", e.EndDate(), tc.end)
			}
			if want := strings.TrimPrefix(tc.country, "-"); tc.country != "" && e.Location.Country != want {
				t.Errorf("country = %q, want %q", e.Location.Country, want)
			}
		})
	}
}

func TestAfterSeam(t *testing.T) {
	for in, want := range map[string]string{
		"Photo: Jane Roe/ShutterstockIraq will host talks.": "Iraq will host talks.",
		"Photo: AP.The talks resumed.":                      "The talks resumed.",
		"Dominic LeBlanc met Howard Lutnick on Tuesday.":    "",
		"Photo: McDonald for Reuters":                       "",
	} {
		if got := afterSeam(in); got != want {
			t.Errorf("afterSeam(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestEarlierRounds: meetings an article names besides the one it is about
// are each reported once, with the sides and place they had.
func TestEarlierRounds(t *testing.T) {
	x := newTestExtractor(t)
	pub := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, title, text string
		want              []string // "parties@city start", each among the events
		not               []string // … and none of these
	}{
		{
			name: "a meeting held apart in the same city, on the same visit, while contact with the others is ruled out",
			text: "Azerbaijan's foreign minister is flying to Washington on Wednesday to meet US officials, his office said. " +
				"While the US team was also expected to hold talks with Armenian officials separately in Washington, an aide said that any direct contact between the two delegations had been ruled out.",
			want: []string{"AZ,US@Washington 2026-03-04", "AM,US@Washington 2026-03-04"},
		},
		{
			name: "an upcoming meeting dated by the arrival, and a mention kept with the sides it names",
			text: "Спецпосланник США Стив Уиткофф анонсировал встречу с Рустемом Умеровым в Женеве. " +
				"По словам Уиткоффа, он прилетит в Женеву в четверг. " +
				"Как пояснил Уиткофф, главная цель его пребывания в Женеве — предстоящая встреча с представителями Ирана. " +
				"Уиткофф сказал, что попросил у Умерова согласия на встречу в Женеве.",
			want: []string{"UA,US@Geneva 2026-03-05", "IR,US@Geneva 2026-03-05"},
			not:  []string{"IR,UA,US@Geneva 2026-03-05"},
		},
		{
			name: "days of talks held with no day named are the news of talks just over",
			text: "The leaders of Japan and the United States will hold a summit in Tokyo on March 20, the government said. " +
				"Japan's chief trade negotiator held three days of talks with American officials in Washington to prepare for the summit, officials said.",
			want: []string{"JP,US@Tokyo 2026-03-20", "JP,US@Washington 2026-03-01"},
		},
		{
			name: "days of talks held there before are no news of this week",
			text: "Serbian and Kosovar negotiators ended two days of talks in Brussels on Tuesday, the EU said. " +
				"The sides have held two days of talks in Ohrid before, when they agreed on a plan.",
			want: []string{"RS,XK@Brussels 2026-03-02"},
			not:  []string{"RS,XK@Ohrid 2026-03-02"},
		},
		{
			name:  "mediators meeting the sides separately hold one meeting with them",
			title: "Indirect talks resume in Doha",
			text:  "Qatari mediators met separately with Israeli and Hamas negotiators in Doha on Wednesday as indirect talks resumed, officials said.",
			want:  []string{"IL,PS@Doha 2026-03-04"},
		},
		{
			name: "a meeting held in the same city as the one told of before",
			text: "Russian envoys met the American team in Doha on Tuesday. " +
				"The meeting came a day after American envoys wrapped up two days of talks with Ukrainian negotiators in the same city on Sunday and Monday.",
			want: []string{"RU,US@Doha 2026-03-03", "UA,US@Doha 2026-03-01"},
		},
		{
			name: "places listed each with its own date",
			text: "Serbian and Kosovar negotiators will meet in Brussels on Friday. " +
				"They last met in Ohrid in February and in Vienna in December.",
			want: []string{"RS,XK@Brussels 2026-03-06", "RS,XK@Ohrid 2026-02-01", "RS,XK@Vienna 2025-12-01"},
		},
		{
			name: "trilateral talks with no sides named are between the sides of the article's meetings",
			text: "On Monday the US president met the Armenian prime minister in Washington, and hours later American envoys sat down with Azerbaijan's president in Baku. " +
				"Trilateral talks in Vienna begin on Friday.",
			want: []string{"AM,AZ,US@Vienna 2026-03-06"},
		},
		{
			name: "officials who arrive to join the negotiations hold no meeting of their own",
			text: "Indirect talks between Israel and Hamas went on in Cairo on Tuesday for a second day. " +
				"Senior officials from Jordan, Qatar and Turkey continued to arrive in Cairo to join the negotiations, an Egyptian official said.",
			want: []string{"IL,PS@Cairo 2026-03-02"},
			not:  []string{"JO,QA,TR@Cairo 2026-03-04"},
		},
		{
			name: "an earlier round held 'there too'",
			text: "Делегации Японии и России провели во вторник в Токио консультации по мирному договору, сообщил МИД Японии. " +
				"Предыдущий раунд консультаций состоялся там же 20 февраля. Следующая встреча может пройти в Москве.",
			want: []string{"JP,RU@Tokyo 2026-03-03", "JP,RU@Tokyo 2026-02-20"},
		},
		{
			name: "a meeting the sides held, told of by reference: no place needed",
			text: "Serbian and Kosovar negotiators will resume their dialogue in Brussels on Thursday, the EU said. " +
				"When they last met, in November 2025, the sides agreed on a plan for missing persons.",
			want: []string{"RS,XK@Brussels 2026-03-05", "RS,XK@ 2025-11-01"},
		},
		{
			name: "the sides named by reference breaking off contacts hold no meeting",
			text: "Главные переговорщики Сербии и Косова встретятся в Брюсселе в пятницу. " +
				"Встреча станет первой после того, как стороны в январе прервали контакты.",
			want: []string{"RS,XK@Brussels 2026-03-06"},
			not:  []string{"RS,XK@ 2026-01-01"},
		},
		{
			name: "an unnamed source's subject is no meeting of the sides it names",
			text: "The government and the opposition of Venezuela will resume talks in Oslo on Friday. " +
				"Months ago, in October 2025, the two sides signed a partial accord in Bridgetown. " +
				"A US official who spoke on condition of anonymity to discuss the negotiations said there was no deal between Washington and Caracas.",
			want: []string{"VE@Oslo 2026-03-06", "VE@Bridgetown 2025-10-01"},
			not:  []string{"US,VE@Bridgetown 2025-10-01"},
		},
		{
			name: "the day a window for the talks was set is not an earlier round's",
			text: "Iran and the United States will hold talks in Geneva on Thursday, Oman said. " +
				"Trump set a two-week window on Monday for the negotiations to deliver. " +
				"Oman hosted the first round in Muscat earlier this month.",
			want: []string{"IR,US@Geneva 2026-03-05", "IR,US@Muscat 2026-03-01"},
			not:  []string{"IR,US@Muscat 2026-03-02"},
		},
		{
			name: "a deed of its own before a date: receiving approval is no meeting",
			text: "The EU and Mercosur signed their trade agreement in Asuncion on Tuesday. " +
				"European Commission President Ursula von der Leyen attended the signing after receiving approval on 20 February from a majority of EU member states, despite resistance from France and Poland. " +
				"Talks between the EU and Mercosur on the deal went on for a quarter of a century.",
			want: []string{"AR,BR,EU,PY,UY@Asuncion 2026-03-03"},
			not:  []string{"AR,BR,EU,PY,UY@ 2026-02-20", "EU@ 2026-02-20"},
		},
		{
			name: "a deed of its own in -ing dates itself, not the meeting",
			text: "Armenian and Azerbaijani negotiators met in Vienna, days after swapping prisoners on 20 February.",
			not:  []string{"AM,AZ@Vienna 2026-02-20"},
		},
		{
			name: "a deed of its own before a date, told with another verb",
			text: "The EU and Mercosur signed their trade agreement in Asuncion on Tuesday. " +
				"European Commission President Ursula von der Leyen attended the signing after securing approval on 20 February from a majority of EU member states, despite resistance from France and Poland. " +
				"Talks between the EU and Mercosur on the deal went on for a quarter of a century.",
			want: []string{"AR,BR,EU,PY,UY@Asuncion 2026-03-03"},
			not:  []string{"AR,BR,EU,PY,UY@ 2026-02-20", "EU@ 2026-02-20"},
		},
		{
			name: "a side received is a meeting",
			text: "Putin received Aliyev in the Kremlin on Tuesday for talks on transit routes.",
			want: []string{"AZ,RU@Moscow 2026-03-03"},
		},
		{
			name: "a highlight above the story, told without a full stop",
			text: "• Both sides agree to set up a joint monitoring mechanism\n" +
				"• Next round of talks to be held in Ankara on 12th\n" +
				"YEREVAN: Armenia and Azerbaijan agreed on Tuesday to extend their truce after two days of talks in Vienna, officials said.",
			want: []string{"AM,AZ@Vienna 2026-03-02", "AM,AZ@Ankara 2026-03-12"},
		},
		{
			name: "the day a host took office is no meeting's",
			text: "Prime Minister Keir Starmer, who took office in July 2024, is hosting Ursula von der Leyen, the President of the European Commission, in London for an EU-UK summit.",
			not:  []string{"EU,GB@London 2024-07-01"},
		},
		{
			name: "the second of a pair that names a place of its own keeps it",
			text: "In May, Russian and Ukrainian delegations met in Istanbul, and in August, Donald Trump hosted Vladimir Putin in Alaska. " +
				"Russian and Ukrainian delegations will meet again in Geneva on Friday.",
			want: []string{"RU,UA@Istanbul 2025-05-01", "RU,US@ 2025-08-01"},
			not:  []string{"RU,US@Istanbul 2025-08-01"},
		},
		{
			name: "a day after the meeting, told from the day of what followed it",
			text: "Ukraine and Russia exchanged 150 prisoners each on Tuesday, a day after their delegations met in Abu Dhabi, the United Arab Emirates said.",
			want: []string{"RU,UA@Abu Dhabi 2026-03-02"},
			not:  []string{"RU,UA@Abu Dhabi 2026-03-03"},
		},
		{
			name: "earlier consultations with a place take the sides of the round announced",
			text: "Новый раунд российско-американских консультаций пройдет в Эр-Рияде в ближайшие дни, заявил Песков. " +
				"Предыдущие консультации состоялись в столице Саудовской Аравии 18 февраля.",
			want: []string{"RU,US@Riyadh 2026-02-18"},
		},
		{
			name: "the day in a relative clause about a person is the person's",
			text: "Prime Minister Keir Starmer, who became party leader in April 2020, is hosting Ursula von der Leyen, the President of the European Commission, in London for an EU-UK summit.",
			not:  []string{"EU,GB@London 2020-04-01"},
		},
		{
			name: "two rounds dated in one list",
			text: "Delegations of Armenia and Azerbaijan opened a new round of talks in Vienna on Tuesday. " +
				"Two earlier rounds, held in Tbilisi on January 12-13 and February 2-3, ended without a deal.",
			want: []string{"AM,AZ@Tbilisi 2026-01-12", "AM,AZ@Tbilisi 2026-02-02"},
		},
		{
			name: "a trilateral round that names two of its sides",
			text: "Officials of Ukraine, the United States and Russia began trilateral talks in Geneva on Tuesday. " +
				"An earlier trilateral round, held in Abu Dhabi on February 4-5, looked at a ceasefire line between Russian and Ukrainian troops.",
			want: []string{"RU,UA,US@Geneva 2026-03-03", "RU,UA,US@Abu Dhabi 2026-02-04"},
		},
		{
			name: "a past verb right before its date: not a date weeks ahead",
			text: "A new round of China-brokered talks between the Myanmar military and the Myanmar National Democratic Alliance Army opened in Kunming on Tuesday. " +
				"A truce was signed in China on March 30 between the military and the MNDAA, after a year of rapid rebel gains in the north.",
			want: []string{"MM@Kunming 2026-03-03", "MM@ 2025-03-30"},
			not:  []string{"MM@ 2026-03-30"},
		},
		{
			name: "a relative clause takes the place before it, not the date",
			text: "Armenian and Azerbaijani negotiators will meet in Geneva on Friday. " +
				"The two countries swapped prisoners on Tuesday in Vienna, which hosted two rounds of their peace talks.",
			want: []string{"AM,AZ@Geneva 2026-03-06"},
			not:  []string{"AM,AZ@Vienna 2026-03-03"},
		},
		{
			name: "the next round, placed and dated by its month (Russian)",
			text: "Делегации Армении и Азербайджана провели во вторник в Вене переговоры. " +
				"Следующий раунд пройдет в Тбилиси в начале следующего месяца.",
			want: []string{"AM,AZ@Vienna 2026-03-03", "AM,AZ@Tbilisi 2026-04-01"},
		},
		{
			name: "the next round, placed and dated by its month",
			text: "Armenian and Azerbaijani envoys held talks in Vienna on Tuesday. The next round will be held in Tbilisi early next month.",
			want: []string{"AM,AZ@Vienna 2026-03-03", "AM,AZ@Tbilisi 2026-04-01"},
		},
		{
			name: "an earlier meeting told with a verb takes the article's sides",
			text: "Serbian and Kosovar leaders failed to agree at talks in Brussels on Tuesday. The two leaders last met in Ohrid in March 2025.",
			want: []string{"RS,XK@Brussels 2026-03-03", "RS,XK@Ohrid 2025-03-01"},
		},
		{
			name: "a date opening the sentence before its speaker dates the statement",
			text: "Пашинян и Алиев проведут переговоры в Абу-Даби в пятницу. " +
				"В марте 2025 года МИД Армении сообщил, что Армения и Азербайджан завершили переговоры по тексту договора.",
			want: []string{"AM,AZ@Abu Dhabi 2026-03-06"},
			not:  []string{"AM,AZ@ 2025-03-01"},
		},
		{
			name: "an earlier round dated by its month",
			text: "Armenian and Azerbaijani envoys will hold border talks in Tbilisi on Friday. The last round of these talks was held in Vienna in December 2024.",
			want: []string{"AM,AZ@Tbilisi 2026-03-06", "AM,AZ@Vienna 2024-12-01"},
		},
		{
			name: "two meetings placed in one list",
			text: "Chinese and Indian officials held border talks in Beijing on Tuesday. The foreign ministers' meetings in Astana and Tashkent in January set the course for them.",
			want: []string{"CN,IN@Beijing 2026-03-03", "CN,IN@Astana 2026-01-01", "CN,IN@Tashkent 2026-01-01"},
		},
		{
			name: "a date before a list of places dates both, unless it starts a span",
			text: "Chinese and Indian officials held border talks in Beijing on Tuesday. In early January the ministers held meetings in Astana and Tashkent. " +
				"Since mid-November, the Chinese and Indian deputy ministers have met twice in Geneva and London.",
			want: []string{"CN,IN@Astana 2026-01-01", "CN,IN@Tashkent 2026-01-01"},
			not:  []string{"CN,IN@London 2025-11-11"},
		},
		{
			name: "an earlier meeting inside one country takes its single side",
			text: "A new round of talks between Libya's rival governments opened in Geneva on Monday. From 11 to 13 February, meetings of the two councils were held in Cairo.",
			want: []string{"LY@Geneva 2026-03-02", "LY@Cairo 2026-02-11"},
		},
		{
			name: "a deadline is no meeting",
			text: "Armenian and Azerbaijani envoys met in Vienna on Tuesday. " +
				"With the US president imposing a deadline—March 20—for Armenian Prime Minister Nikol Pashinyan to approve the proposal, the talks underscore mounting pressure on Yerevan.",
			want: []string{"AM,AZ@Vienna 2026-03-03"},
			not:  []string{"AM,US@ 2026-03-20"},
		},
		{
			name: "planned meetings that follow earlier talks",
			text: "Armenian and Azerbaijani envoys will meet in Brussels on Friday. The planned meetings follow talks between the two envoys in Vienna on Monday.",
			want: []string{"AM,AZ@Brussels 2026-03-06", "AM,AZ@Vienna 2026-03-02"},
		},
		{
			name: "a follow-up meeting is one meeting",
			text: "The Armenian envoy will fly to Brussels on Friday for a follow-up meeting with the Azerbaijani delegation.",
			want: []string{"AM,AZ@Brussels 2026-03-06"},
		},
		{
			name: "a day told twice, in two time zones",
			text: "The United States and North Korea will hold a second summit in Hanoi on March 27, officials said. " +
				"The US president announced on Friday (Saturday morning Asian time) that he would hold the second summit with North Korean leader Kim Jong Un in Hanoi.",
			want: []string{"KP,US@Hanoi 2026-03-27"},
			not:  []string{"KP,US@Hanoi 2026-02-28", "KP,US@Hanoi 2026-03-07"},
		},
		{
			name: "a call to engage in dialogue is no meeting",
			text: "China-brokered talks between the regime and the Arakan Army opened in Kunming on Tuesday. " +
				"China called on the MNDAA and the TNLA to engage in dialogue with the regime on Feb. 20. A TNLA spokesman said its meeting with the regime had been useful.",
			want: []string{"MM@Kunming 2026-03-03"},
			not:  []string{"MM@ 2026-02-20"},
		},
		{
			name: "a round that ended, and the next one agreed",
			text: "Armenia and Azerbaijan concluded talks in Vienna after nearly four hours and the two sides agreed late on Tuesday to hold another round in Geneva.",
			want: []string{"AM,AZ@Vienna 2026-03-03"},
		},
		{
			name: "the place a team came back from after talks",
			text: "Armenian and Azerbaijani envoys will meet in Geneva next week. Last month, the Armenian team returned from Vienna after holding talks with Azerbaijani negotiators between February 2 and February 6.",
			want: []string{"AM,AZ@Vienna 2026-02-02"},
		},
		{
			name: "what follows is about the round in the news, not a previous one",
			text: "Chinese and US negotiators held trade talks in Stockholm on Monday and Tuesday. They reviewed the consensus reached at the previous Geneva talks. " +
				"Based on the talks' outcomes, both sides agreed to continue the truce. Moving forward, both sides should continue to use the consultation mechanism.",
			want: []string{"CN,US@Stockholm 2026-03-02"},
			not:  []string{"CN,US@Geneva 2026-03-04"},
		},
		{
			name: "a span's start is no meeting's day",
			text: "Ukrainian and US envoys will meet in Miami on Friday. The plan has been reworked several times since November, most recently during talks with US envoys in Geneva.",
			want: []string{"UA,US@Miami 2026-03-06"},
			not:  []string{"UA,US@Geneva 2025-11-01"},
		},
		{
			name: "a date after ', and' belongs to what follows",
			text: "Envoys of Armenia and Azerbaijan met in Tbilisi on Tuesday. In May, Armenian and Azerbaijani delegations met in Vienna, and in August, the US president hosted the two leaders.",
			want: []string{"AM,AZ@Vienna 2025-05-01"},
		},
		{
			name: "a photo caption is no report",
			text: "Ukrainian and US negotiators met in Paris on Tuesday.\n\nPhoto caption: Leaders at the Elysee Palace on Tuesday. Last month's Berlin talks are pictured inset.",
			want: []string{"UA,US@Paris 2026-03-03"},
			not:  []string{"UA,US@Berlin 2026-02-01"},
		},
		{
			name: "photo captions with stray dots and handout credits",
			text: "Armenian and Azerbaijani envoys met in Vienna on Tuesday.\n\n" +
				"Armenian Foreign Minister Ararat Mirzoyan listens to a question during a news conference with the Greek foreign minister, following their meeting in Athens, Saturday, Feb. 28, 2026. .\n\n" +
				"Armenia's prime minister meets the Georgian prime minister in Tbilisi, Georgia February 6, 2026. Press Service/Handout via REUTERS",
			want: []string{"AM,AZ@Vienna 2026-03-03"},
			not:  []string{"AM,GR@Athens 2026-02-28", "AM,GE@Tbilisi 2026-02-06"},
		},
		{
			name: "the day of preparing a meeting is not the meeting's",
			text: "The next round of direct talks between the Ukrainian and Russian delegations in Istanbul will take place on March 9, the president said in his evening address on March 4. " +
				"\"Today I discussed with Rustem Umerov the preparation of a prisoner swap and another meeting in Turkey with the Russian side,\" the president said.",
			want: []string{"RU,UA@Istanbul 2026-03-09"},
			not:  []string{"RU,UA@ 2026-03-04"},
		},
		{
			name: "logistics for a session still to come",
			text: "Armenian and Azerbaijani envoys met in Geneva on Monday. " +
				"The Armenian and Azerbaijani foreign ministers then went over the logistics for Tuesday's session.",
			want: []string{"AM,AZ@Geneva 2026-03-02", "AM,AZ@ 2026-03-10"},
			not:  []string{"AM,AZ@ 2026-03-03"},
		},
		{
			name: "the same day as the meeting before",
			text: "Armenian and Azerbaijani ministers met in Vienna on Monday. Serbian and Kosovar envoys met in Brussels on the same evening.",
			want: []string{"AM,AZ@Vienna 2026-03-02", "RS,XK@Brussels 2026-03-02"},
		},
		{
			name: "days counted from a day before, then the same day",
			text: "US and Ukrainian negotiators met in Miami on Feb. 17. " +
				"Five days later Armenian and Azerbaijani ministers met in Vienna, and on the same evening Serbian and Kosovar envoys held talks in Brussels.",
			want: []string{"UA,US@Miami 2026-02-17", "AM,AZ@Vienna 2026-02-22", "RS,XK@Brussels 2026-02-22"},
		},
		{
			name: "the same day (Ukrainian), and no Togo in \"Того\"",
			text: "Міністри Вірменії та Азербайджану зустрілися у Відні в понеділок. " +
				"Того ж дня у Брюсселі зустрілися представники Сербії та Косова.",
			want: []string{"AM,AZ@Vienna 2026-03-02", "RS,XK@Brussels 2026-03-02"},
		},
		{
			name: "the same day as the day named earlier in the sentence (Ukrainian)",
			text: "Міністри Вірменії та Азербайджану зустрілися у Відні в понеділок. " +
				"У вівторок посланці Вірменії та Азербайджану зустрінуться у Женеві, а представники Сербії та Косова проведуть переговори у Брюсселі того ж дня.",
			want: []string{"AM,AZ@Vienna 2026-03-02", "AM,AZ@Geneva 2026-03-10", "RS,XK@Brussels 2026-03-10"},
		},
		{
			name: "a separate meeting is not the one in the news",
			text: "Armenian and Azerbaijani envoys will meet in Vienna, the foreign ministry said. " +
				"A separate meeting between Armenian and Azerbaijani border officials will take place on Friday.",
			want: []string{"AM,AZ@Vienna ", "AM,AZ@ 2026-03-06"},
			not:  []string{"AM,AZ@Vienna 2026-03-06"},
		},
		{
			name: "a session held, and the next one agreed for a month ahead (Russian)",
			text: "Комиссии Армении и Азербайджана по делимитации границы провели в Габале двухдневное заседание, которое завершилось во вторник. " +
				"Стороны договорились провести следующее заседание в Армении в июле.",
			want: []string{"AM,AZ@Gabala 2026-03-02", "AM,AZ@ 2026-07-01"},
			not:  []string{"AM,AZ@ 2025-07-01"},
		},
		{
			name: "an earlier round takes the sides of the track's talks, not their mediators",
			text: "Israeli, American and Qatari delegations arrived in Cairo on Tuesday to press on with the negotiations over a ceasefire in Gaza. " +
				"Hamas said its negotiators were ready. An Israeli team held talks in Paris on February 20.",
			want: []string{"IL,PS@Cairo 2026-03-03", "IL,PS@Paris 2026-02-20"},
			not:  []string{"IL,QA,US@Paris 2026-02-20"},
		},
		{
			name: "his meeting is the meeting of the man the sentence opened with",
			text: "Israeli and Hamas negotiators met in Cairo on Tuesday. " +
				"Trump's plan, published after his meeting with Netanyahu at the White House on February 20, calls for a ceasefire.",
			want: []string{"IL,US@Washington 2026-02-20"},
		},
		{
			name: "the last meeting, in a month of last year (Russian)",
			text: "Пашинян и Алиев проведут встречу во вторник в Тиране. Последний раз лидеры встречались в Абу-Даби 10 июля прошлого года.",
			want: []string{"AM,AZ@Tirana 2026-03-10", "AM,AZ@Abu Dhabi 2025-07-10"},
			not:  []string{"AM,AZ@Abu Dhabi 2026-07-10"},
		},
		{
			name: "Central Asian neighbours in Russian, at a border town",
			text: "Правительственные делегации Таджикистана и Кыргызстана по делимитации границы провели очередную встречу в Баткене 1–3 марта.",
			want: []string{"KG,TJ@Batken 2026-03-01"},
		},
		{
			name: "в 12.05 is an hour, not the twelfth of May",
			text: "Переговоры делегаций Армении и Азербайджана начнутся в Вене в 12.05.",
			want: []string{"AM,AZ@Vienna "},
			not:  []string{"AM,AZ@Vienna 2026-05-12"},
		},
		{
			name: "the day of leaving after a meeting is not the meeting's",
			text: "Armenian Foreign Minister Ararat Mirzoyan left Vienna on Wednesday with a sense of progress after a meeting with Azerbaijani Foreign Minister Jeyhun Bayramov. " +
				"Mirzoyan spent two hours with Bayramov on Tuesday in a constructive meeting, his office said.",
			want: []string{"AM,AZ@ 2026-03-03"},
			not:  []string{"AM,AZ@ 2026-03-04"},
		},
		{
			name: "one span for several rounds dates none of them",
			text: "Delegations from Russia, Ukraine and the United States will meet in Geneva on Tuesday for a new round of trilateral talks. " +
				"The two previous rounds took place in Abu Dhabi, where the sides agreed on a prisoner exchange earlier this month.",
			want: []string{"RU,UA,US@Geneva 2026-03-10"},
			not:  []string{"RU,UA,US@Abu Dhabi 2026-03-01"},
		},
		{
			name: "the next day's talks, unplaced, between the same sides go on",
			text: "Armenian Foreign Minister Ararat Mirzoyan met Azerbaijani Foreign Minister Jeyhun Bayramov in Vienna on Monday. " +
				"On Tuesday, Mirzoyan was to hold talks with Bayramov on the border.",
			want: []string{"AM,AZ@Vienna 2026-03-02"},
			not:  []string{"AM,AZ@ 2026-03-03"},
		},
		{
			name: "a previous meeting the sentence leaves unplaced took place where the next one did",
			text: "The latest round of talks between Armenia and Azerbaijan took place in Vienna on February 2, following a previous meeting on January 16.",
			want: []string{"AM,AZ@Vienna 2026-02-02", "AM,AZ@Vienna 2026-01-16"},
		},
		{
			name: "talks named by the country they are held in have no side of it",
			text: "Representatives of Venezuela's government and the opposition arrived in Barbados on Tuesday to continue talks. " +
				"The Barbados talks are an extension of a first round of negotiations in Oslo in January.",
			want: []string{"VE@Oslo 2026-01-01"},
		},
		{
			name: "a coming round that follows an earlier one",
			text: "Serbia and Kosovo will resume their dialogue in Brussels on March 10. " +
				"The meeting in Brussels follows a round of talks held on February 16-17 in Vienna.",
			want: []string{"RS,XK@Brussels 2026-03-10", "RS,XK@Vienna 2026-02-16"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, e := range x.Extract(Article{Title: tc.title, Text: tc.text, Published: pub}) {
				key := strings.Join(e.Parties, ",") + "@" + e.Location.City + " " + e.StartDate()
				if slices.Contains(got, key) {
					t.Errorf("%s reported twice", key)
				}
				got = append(got, key)
			}
			for _, w := range tc.want {
				if !slices.Contains(got, w) {
					t.Errorf("want %s among %q", w, got)
				}
			}
			for _, w := range tc.not {
				if slices.Contains(got, w) {
					t.Errorf("want no %s among %q", w, got)
				}
			}
		})
	}
}

func TestGovernsFromMustBeADate(t *testing.T) {
	x := newTestExtractor(t)
	_, err := x.loadEntities([]rawEntity{{Code: "AF", Kind: "group", Names: []string{"Taliban"}, GovernsFrom: "August 2021"}})
	if err == nil || !strings.Contains(err.Error(), "YYYY-MM-DD") {
		t.Fatalf("err = %v, want one that names the YYYY-MM-DD form", err)
	}
}

// TestFollowUpIsOneClause: "follow" opens a clause ("the talks follow a
// round in Vienna"), but "a follow-up meeting" is a noun.
func TestFollowUpIsOneClause(t *testing.T) {
	x := newTestExtractor(t)
	pub := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
	ms := x.mentions(Article{Published: pub, Text: "Armenian and Azerbaijani envoys will hold a follow-up meeting in Brussels on Friday."}).mentions
	if len(ms) != 1 || ms[0].c.a != 0 {
		t.Fatalf("got %d mentions, want one reading the whole sentence", len(ms))
	}
}

func TestFormatNeedsMembers(t *testing.T) {
	x := newTestExtractor(t)
	_, err := x.loadEntities([]rawEntity{{Code: "QUAD", Kind: "format", Names: []string{"the Quad"}}})
	if err == nil || !strings.Contains(err.Error(), "members:") {
		t.Fatalf("err = %v, want one that says to add members", err)
	}
}

func TestTalksNeedKnownCodes(t *testing.T) {
	x := newTestExtractor(t)
	for _, tc := range []struct {
		raw  rawMediation
		want string
	}{
		{rawMediation{Sides: []string{"IL", "XX"}, Mediators: []string{"QA"}}, `"XX"`},
		{rawMediation{Sides: []string{"IL"}, Mediators: []string{"QA"}}, "at least two sides"},
		{rawMediation{Sides: []string{"IL", "PS"}, Mediators: []string{"QA"}, Partisans: []string{"US"}}, "partisan"},
	} {
		err := x.compileMediation("t.yaml", &tc.raw)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want one naming %s", tc.raw, err, tc.want)
		}
	}
}
