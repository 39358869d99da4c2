"""A synthetic screening corpus: realistic person, company and vessel names in many scripts.

Names are drawn from name-part tables (common parts, Zipf-like) with a long tail of surnames and
brand names built from syllables, so the vocabulary grows with the corpus as a real one does.
Persons written in a non-Latin script carry their romanisation as primary name and the original
as an alias (as UN, UK and OFAC lists do); companies carry legal forms. Deterministic per seed.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from embargo.model import Entity, Name, make_entity

T = TypeVar("T")


def _w(text: str) -> list[str]:
    return text.split()


def _pairs(text: str) -> list[tuple[str, str]]:
    """'native:latin native:latin ...' -> [(native, latin), ...]."""
    return [(a, b.replace("_", " ")) for a, b in (p.split(":") for p in text.split())]


# --- Latin-script cultures -------------------------------------------------------------------

LATIN: dict[str, tuple[list[str], list[str], list[str], list[str]]] = {
    # culture: (male given, female given, surnames, countries)
    "en": (
        _w(
            "James John Robert Michael William David Richard Joseph Thomas Charles Daniel Matthew Anthony "
            "Mark Paul Steven Andrew Kenneth George Edward Brian Kevin Ronald Timothy Jason Jeffrey Ryan"
        ),
        _w(
            "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Nancy Lisa Betty "
            "Margaret Sandra Ashley Emily Donna Michelle Carol Amanda Melissa Deborah Laura Rebecca"
        ),
        _w(
            "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin "
            "Jackson Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Green "
            "Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Turner Parker Collins"
        ),
        _w("us gb ca au nz ie za"),
    ),
    "es": (
        _w(
            "José Juan Luis Carlos Jorge Miguel Alejandro Manuel Francisco Javier Pedro Antonio Rafael "
            "Fernando Ricardo Eduardo Sergio Andrés Diego Raúl Héctor Óscar Rubén Ramón Jesús"
        ),
        _w(
            "María Carmen Ana Isabel Laura Lucía Marta Elena Sofía Paula Rosa Patricia Teresa Pilar "
            "Dolores Beatriz Adriana Verónica Gabriela Claudia Mónica Natalia"
        ),
        _w(
            "García Rodríguez González Fernández López Martínez Sánchez Pérez Gómez Martín Jiménez Ruiz "
            "Hernández Díaz Moreno Álvarez Muñoz Romero Alonso Gutiérrez Navarro Torres Domínguez Vázquez "
            "Ramos Gil Ramírez Serrano Blanco Molina Morales Suárez Ortega Delgado Castro Ortiz Rubio"
        ),
        _w("es mx co ar ve pe cl cu ni bo"),
    ),
    "de": (
        _w(
            "Hans Peter Klaus Wolfgang Jürgen Michael Thomas Andreas Stefan Frank Uwe Dieter Günter "
            "Matthias Markus Jörg Bernd Ralf Sven Lukas Maximilian"
        ),
        _w(
            "Ursula Monika Petra Sabine Renate Claudia Andrea Susanne Birgit Karin Jutta Anja Katrin "
            "Sandra Nicole Stefanie Julia Lena Jana"
        ),
        _w(
            "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch "
            "Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann "
            "Lange Schmitt Werner Krause Meier Lehmann Schmid Schulze Maier Köhler Herrmann König"
        ),
        _w("de at ch"),
    ),
    "fr": (
        _w(
            "Jean Pierre Michel André Philippe René Louis Alain Jacques Bernard Marcel Daniel Roger "
            "Claude François Henri Patrick Nicolas Christophe Julien Sébastien"
        ),
        _w(
            "Marie Jeanne Françoise Monique Catherine Nathalie Isabelle Sylvie Anne Martine Nicole "
            "Christine Hélène Valérie Céline Sophie Élodie Aurélie Chloé"
        ),
        _w(
            "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefèvre "
            "Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefebvre Mercier Dupont "
            "Lambert Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc Guérin Muller Henry"
        ),
        _w("fr be ch lu sn ci ml cm"),
    ),
    "tr": (
        _w(
            "Mehmet Mustafa Ahmet Ali Hüseyin Hasan İbrahim İsmail Osman Yusuf Murat Ömer Ramazan Halil "
            "Süleyman Abdullah Mahmut Recep Kemal Emre Burak"
        ),
        _w("Fatma Ayşe Emine Hatice Zeynep Elif Meryem Şerife Zehra Sultan Hanife Merve Özlem Esra"),
        _w(
            "Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan Doğan Kılıç "
            "Aslan Çetin Kara Koç Kurt Özkan Şimşek Polat Korkmaz Karataş Erdoğan Aksoy"
        ),
        _w("tr cy az"),
    ),
    "pl": (
        _w(
            "Piotr Krzysztof Andrzej Tomasz Paweł Jan Michał Marcin Stanisław Jakub Adam Marek Łukasz "
            "Grzegorz Mateusz Wojciech Mariusz Dariusz Zbigniew"
        ),
        _w(
            "Anna Maria Katarzyna Małgorzata Agnieszka Krystyna Barbara Ewa Elżbieta Zofia Joanna "
            "Magdalena Monika Jadwiga Danuta"
        ),
        _w(
            "Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański Woźniak "
            "Dąbrowski Kozłowski Jankowski Mazur Kwiatkowski Krawczyk Piotrowski Grabowski Nowakowski"
        ),
        _w("pl"),
    ),
}
LATIN_ONSETS = _w("b br ch d dr f g gr h j k kr l m n p pr r s sh st t tr v w z")
LATIN_VOWELS = _w("a e i o u a e o ai ei ou ia")
LATIN_CODAS = ["", "", "", "n", "r", "s", "l", "k", "m", "t", "nd", "rt"]
LATIN_SUFFIXES = {
    "en": _w("son ton ley man er ford wood well"),
    "es": _w("ez ado ero ano eda illa"),
    "de": _w("mann berg er stein feld hof"),
    "fr": _w("ard eau ier ot in on"),
    "tr": _w("oğlu er can soy han"),
    "pl": _w("ski czyk ak ewicz owski"),
}

# --- Cyrillic (Russian, Ukrainian), Greek: tables plus romanisation by letter --------------

RU_MALE = _w(
    "Александр Сергей Владимир Андрей Алексей Дмитрий Николай Игорь Евгений Михаил Юрий "
    "Олег Виктор Павел Иван Максим Артём Роман Борис Геннадий Константин Валерий Анатолий"
)
RU_FEMALE = _w(
    "Елена Ольга Наталья Татьяна Ирина Светлана Анна Мария Екатерина Юлия Марина Людмила "
    "Галина Вера Надежда Ксения"
)
RU_SURNAMES = _w(
    "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов "
    "Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев "
    "Макаров Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв"
)
UA_MALE = _w(
    "Олександр Сергій Володимир Андрій Олексій Дмитро Микола Ігор Євген Михайло Юрій Віктор "
    "Тарас Богдан Василь Петро Іван"
)
UA_FEMALE = _w("Олена Ольга Наталія Тетяна Ірина Світлана Оксана Юлія Марина Галина Людмила")
UA_SURNAMES = _w(
    "Шевченко Бондаренко Коваленко Бойко Ткаченко Кравченко Коваль Олійник Шевчук Поліщук "
    "Лисенко Руденко Савченко Марченко Мельник Кравчук Гончаренко Левченко Петренко"
)
CYR_SYLLABLES = _w("ка ко ра ро ма мо ла ло на но ва во ба бо да до га го за зо та то се ре ле ки ри ми ни")
CYR_SUFFIXES = _w("ов ев ин ский цкий енко ук ович")
CYR_LATIN = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ",
        _w("a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya i yi ye g"),
        strict=True,
    )
)
GREEK_GIVEN = _w("Γεώργιος Δημήτριος Κωνσταντίνος Ιωάννης Νικόλαος Παναγιώτης Μαρία Ελένη Αικατερίνη")
GREEK_SURNAMES = _w("Παπαδόπουλος Παππάς Οικονόμου Γεωργίου Νικολάου Βασιλείου Αθανασίου Ιωάννου Καραγιάννης")
GREEK_LATIN = dict(
    zip(
        "αβγδεζηθικλμνξοπρσςτυφχψωάέήίόύώϊϋ",
        _w("a v g d e z i th i k l m n x o p r s s t y f ch ps o a e i i o y o i y"),
        strict=True,
    )
)


def romanize(text: str) -> str:
    """Letter-by-letter romanisation of Cyrillic and Greek (enough for plausible list spellings)."""
    out = []
    for ch in text:
        low = ch.lower()
        lat = CYR_LATIN.get(low) or GREEK_LATIN.get(low)
        if lat is None:
            out.append(ch)
            continue
        lat = "" if lat == "_" else lat
        out.append(lat.capitalize() if ch != low else lat)
    return "".join(out)


# --- Arabic, Persian, Chinese, Korean, Japanese, Hindi: (native, romanised) pairs -------------

AR_GIVEN = _pairs(
    "محمد:Mohammed أحمد:Ahmed علي:Ali حسن:Hassan حسين:Hussein عبدالله:Abdullah عمر:Omar خالد:Khaled "
    "يوسف:Yousef إبراهيم:Ibrahim مصطفى:Mustafa محمود:Mahmoud سعيد:Said عبدالرحمن:Abdulrahman "
    "طارق:Tariq ماجد:Majed فيصل:Faisal ناصر:Nasser سلمان:Salman جمال:Jamal كريم:Karim وليد:Walid "
    "فاطمة:Fatima عائشة:Aisha مريم:Maryam زينب:Zainab نور:Nour ليلى:Layla"
)
AR_FAMILY = _pairs(
    "الأحمد:Al-Ahmad الحسن:Al-Hassan العلي:Al-Ali الخطيب:Al-Khatib الشمري:Al-Shammari القحطاني:Al-Qahtani "
    "العتيبي:Al-Otaibi الدوسري:Al-Dosari الزهراني:Al-Zahrani المصري:Al-Masri الحلبي:Al-Halabi "
    "البغدادي:Al-Baghdadi التميمي:Al-Tamimi الهاشمي:Al-Hashimi حداد:Haddad خوري:Khoury نصرالله:Nasrallah "
    "عبدالقادر:Abdelkader بن_علي:Ben_Ali منصور:Mansour سليمان:Suleiman"
)
AR_CONSONANTS = _pairs("ب:b ت:t ج:j د:d ر:r ز:z س:s ش:sh ف:f ق:q ك:k ل:l م:m ن:n ه:h ح:h خ:kh ص:s ط:t ع:a")
FA_GIVEN = _pairs(
    "علی:Ali حسین:Hossein رضا:Reza مهدی:Mehdi محمدرضا:Mohammadreza امیر:Amir سعید:Saeed مجید:Majid "
    "حمید:Hamid جواد:Javad مهدی:Mahdi حسن:Hassan محسن:Mohsen ابراهیم:Ebrahim اکبر:Akbar کاظم:Kazem "
    "ناصر:Naser عباس:Abbas مسعود:Masoud بهروز:Behrouz فرهاد:Farhad داوود:Davoud یوسف:Yousef "
    "مریم:Maryam زهرا:Zahra فاطمه:Fatemeh سارا:Sara"
)
FA_FAMILY = _pairs(
    "احمدی:Ahmadi محمدی:Mohammadi حسینی:Hosseini رضایی:Rezaei موسوی:Mousavi کریمی:Karimi جعفری:Jafari "
    "رحیمی:Rahimi صادقی:Sadeghi قاسمی:Ghasemi نوری:Nouri عباسی:Abbasi"
)
ZH_SURNAMES = _pairs(
    "王:Wang 李:Li 张:Zhang 刘:Liu 陈:Chen 杨:Yang 黄:Huang 赵:Zhao 吴:Wu 周:Zhou 徐:Xu 孙:Sun 马:Ma "
    "朱:Zhu 胡:Hu 郭:Guo 何:He 高:Gao 林:Lin 罗:Luo 郑:Zheng 梁:Liang 谢:Xie 宋:Song 唐:Tang"
)
ZH_GIVEN = _pairs(
    "伟:wei 芳:fang 娜:na 敏:min 静:jing 丽:li 强:qiang 磊:lei 军:jun 洋:yang 勇:yong 艳:yan 杰:jie "
    "涛:tao 明:ming 超:chao 秀:xiu 霞:xia 平:ping 刚:gang 桂:gui 英:ying 华:hua 建:jian 国:guo 志:zhi "
    "文:wen 海:hai 东:dong 红:hong 晓:xiao 玲:ling 鹏:peng 辉:hui 斌:bin 宇:yu 浩:hao 凯:kai 俊:jun "
    "龙:long 飞:fei 鑫:xin 波:bo 新:xin 峰:feng 成:cheng 林:lin 嘉:jia 晨:chen 春:chun 光:guang 庆:qing "
    "德:de 福:fu 永:yong 生:sheng 兴:xing 安:an 宁:ning 立:li 卫:wei 忠:zhong 亮:liang 军:jun 金:jin "
    "玉:yu 梅:mei 兰:lan 琳:lin 雪:xue 慧:hui 婷:ting 颖:ying 雯:wen 欣:xin 思:si 天:tian 子:zi 泽:ze "
    "博:bo 睿:rui 轩:xuan 毅:yi 哲:zhe 振:zhen 松:song 山:shan 江:jiang 河:he"
)
ZH_BUSINESS = _pairs(
    "科技:Technology 贸易:Trading 实业:Industrial 电子:Electronics 能源:Energy 航运:Shipping "
    "物流:Logistics 投资:Investment 化工:Chemical 机械:Machinery"
)
ZH_CITIES = _pairs(
    "深圳:Shenzhen 上海:Shanghai 北京:Beijing 广州:Guangzhou 香港:Hong_Kong 大连:Dalian 天津:Tianjin"
)
KO_SURNAMES = _pairs(
    "김:Kim 이:Lee 박:Park 최:Choi 정:Jung 강:Kang 조:Cho 윤:Yoon 장:Jang 임:Lim 한:Han 신:Shin "
    "오:Oh 서:Seo 권:Kwon 황:Hwang 안:Ahn 송:Song 류:Ryu 홍:Hong 전:Jeon 고:Ko 문:Moon 리:Ri"
)
KO_SYLLABLES = _pairs(
    "민:min 준:jun 서:seo 지:ji 현:hyun 우:woo 영:young 수:soo 진:jin 호:ho 성:sung 철:chul 은:eun "
    "혜:hye 정:jeong 경:kyung 상:sang 동:dong 태:tae 광:kwang 희:hee 연:yeon 재:jae 석:seok 일:il 용:yong "
    "명:myung 국:guk 남:nam 규:gyu 한:han 혁:hyuk 원:won 훈:hoon 기:ki 찬:chan 선:sun 미:mi 나:na 아:ah "
    "주:joo 유:yoo 윤:yoon 송:song 창:chang 학:hak 춘:chun 룡:ryong 봉:bong 옥:ok 순:soon 향:hyang"
)
JA_SURNAMES = _pairs(
    "佐藤:Sato 鈴木:Suzuki 高橋:Takahashi 田中:Tanaka 伊藤:Ito 渡辺:Watanabe 山本:Yamamoto 中村:Nakamura "
    "小林:Kobayashi 加藤:Kato 吉田:Yoshida 山田:Yamada"
)
JA_GIVEN = _pairs(
    "翔太:Shota 大輔:Daisuke 健一:Kenichi 誠:Makoto 浩:Hiroshi 隆:Takashi 陽子:Yoko 恵子:Keiko "
    "由美:Yumi 直樹:Naoki 拓也:Takuya 美咲:Misaki"
)
FA_SYLLABLES = _pairs(
    "بر:bar کا:ka مو:mo سو:su تا:ta دا:da نا:na ری:ri لا:la فر:far شا:sha گل:gol مه:mah پا:pa"
)
FA_SUFFIXES = _pairs("ی:i زاده:zadeh پور:pour نژاد:nejad یان:ian")
JA_MORPHS = _pairs(
    "山:yama 田:da 中:naka 村:mura 川:kawa 本:moto 木:ki 藤:fuji 井:i 野:no 原:hara 松:matsu 石:ishi "
    "小:ko 大:o 高:taka 林:bayashi 森:mori 島:shima 岡:oka 橋:hashi 崎:zaki 宮:miya 谷:tani 西:nishi 東:higashi"
)
JA_GIVEN_MORPHS = _pairs(
    "健:ken 翔:sho 大:dai 浩:hiro 和:kazu 正:masa 拓:taku 直:nao 雄:o 太:ta 郎:ro 一:ichi 輔:suke 樹:ki "
    "美:mi 子:ko 恵:e 由:yu 香:ka 奈:na"
)
GREEK_STEMS = _w("Παπα Γεωργ Νικολ Καρα Βασιλ Δημητρ Κωνσταντ Αθανασ Χρηστ Παναγιωτ Σταυρ Μιχαλ Αλεξ Πετρ")
GREEK_ENDINGS = _w("όπουλος ίδης άκης ίου άτος έας")
HI_GIVEN = _pairs(
    "राहुल:Rahul अमित:Amit सुनील:Sunil राजेश:Rajesh विजय:Vijay संजय:Sanjay अजय:Ajay रवि:Ravi "
    "अनिल:Anil दीपक:Deepak मनोज:Manoj अशोक:Ashok सुरेश:Suresh रमेश:Ramesh नरेश:Naresh विनोद:Vinod "
    "प्रकाश:Prakash महेश:Mahesh अरुण:Arun किशोर:Kishore"
)
HI_FAMILY = _pairs(
    "शर्मा:Sharma वर्मा:Verma गुप्ता:Gupta सिंह:Singh कुमार:Kumar पटेल:Patel मेहता:Mehta जोशी:Joshi "
    "अग्रवाल:Agarwal चौधरी:Chaudhary यादव:Yadav मिश्रा:Mishra पांडे:Pandey तिवारी:Tiwari श्रीवास्तव:Srivastava "
    "राव:Rao रेड्डी:Reddy नायर:Nair मल्होत्रा:Malhotra कपूर:Kapoor"
)

# --- companies and vessels -------------------------------------------------------------------

EN_WORDS = _w(
    "Global Golden Eastern Pacific Northern Southern United Alpha Delta Orient Royal Crescent "
    "Phoenix Dragon Falcon Atlas Summit Horizon Star Ocean Silk Sun Green Blue Prime Capital"
)
EN_INDUSTRY = _w(
    "Trading Shipping Logistics Holdings Technologies Energy Petroleum Industries Engineering "
    "Electronics Aviation Marine Investment Mining Chemicals Metals Group Consulting Systems "
    "Supply Export Import Construction Pharmaceuticals Textiles Agro Finance"
)
LEGAL_FORMS = [
    "LLC",
    "Ltd",
    "Limited",
    "Inc.",
    "Corp.",
    "Co., Ltd.",
    "FZE",
    "FZCO",
    "LLP",
    "PLC",
    "GmbH",
    "AG",
    "S.A.",
    "S.A. de C.V.",
    "SRL",
    "B.V.",
    "A.Ş.",
    "JSC",
    "OJSC",
    "PJSC",
    "Sdn Bhd",
    "Pte Ltd",
    "Company",
]
RU_BRANDS = _w("Техно Пром Энерго Транс Строй Нефть Газ Сервис Инвест Торг Снаб Металл Авиа Флот Хим Маш")
RU_FORMS = [("ООО", "OOO"), ("АО", "AO"), ("ПАО", "PAO"), ("ЗАО", "ZAO"), ("ТОВ", "TOV")]
AR_BUSINESS = _pairs("للتجارة:Trading للاستثمار:Investment للنقل:Transport للصناعات:Industries للنفط:Oil")
VESSEL_WORDS = _w(
    "OCEAN SEA STAR PRIDE GLORY SPIRIT QUEEN PRINCESS EXPRESS PIONEER FORTUNE VICTORY "
    "HARMONY NEPTUNE ATLANTIC PACIFIC CORAL PEARL JADE LOTUS TIGER EAGLE"
)


@dataclass(frozen=True)
class Generated:
    schema: str
    names: tuple[tuple[str, str], ...]  # (value, kind)
    countries: tuple[str, ...]
    gender: str | None


class NameFactory:
    """Random names in many scripts; weights roughly as on consolidated sanctions lists."""

    def __init__(self, seed: int = 1) -> None:
        self.rng = random.Random(seed)
        self.persons: list[tuple[float, Callable[[], Generated]]] = [
            (0.14, lambda: self._latin("en")),
            (0.08, lambda: self._latin("es")),
            (0.04, lambda: self._latin("de")),
            (0.04, lambda: self._latin("fr")),
            (0.04, lambda: self._latin("tr")),
            (0.02, lambda: self._latin("pl")),
            (0.16, self._russian),
            (0.05, self._ukrainian),
            (0.16, self._arabic),
            (0.06, self._persian),
            (0.09, self._chinese),
            (0.05, self._korean),
            (0.03, self._japanese),
            (0.02, self._greek),
            (0.02, self._hindi),
        ]

    def _rank(self, n: int) -> int:
        """Skewed towards the head of a table: common parts are much more frequent, as on real lists."""
        return min(n - 1, int(n * self.rng.random() ** 1.5))

    def pick(self, seq: Sequence[T]) -> T:
        return seq[self._rank(len(seq))]

    pick_pair = pick

    def syllables(self, n: int) -> str:
        r = self.rng
        return "".join(
            r.choice(LATIN_ONSETS) + r.choice(LATIN_VOWELS) + r.choice(LATIN_CODAS) for _ in range(n)
        )

    def entity(self) -> Generated:
        x = self.rng.random()
        if x < 0.62:
            return self.person()
        if x < 0.96:
            return self.company()
        return self.vessel()

    def person(self) -> Generated:
        x = self.rng.random() * sum(w for w, _ in self.persons)
        for w, make in self.persons:
            x -= w
            if x <= 0:
                return make()
        return self.persons[0][1]()

    def _person(self, names: list[tuple[str, str]], countries: Sequence[str], gender: str) -> Generated:
        country = self.rng.choice(countries)
        return Generated("Person", tuple(dict.fromkeys(names)), (country,), gender)

    def _latin(self, culture: str) -> Generated:
        male, female, surnames, countries = LATIN[culture]
        gender = "male" if self.rng.random() < 0.8 else "female"
        given = self.pick(male if gender == "male" else female)
        if self.rng.random() < 0.55:
            surname = (
                self.syllables(self.rng.randint(1, 2)) + self.rng.choice(LATIN_SUFFIXES[culture])
            ).capitalize()
        else:
            surname = self.pick(surnames)
        if culture == "es" and self.rng.random() < 0.7:
            surname = f"{surname} {self.pick(surnames)}"
        second = self.pick(male if gender == "male" else female)
        if self.rng.random() < 0.25 and second != given:
            given = f"{given} {second}"
        names = [(f"{given} {surname}", "primary")]
        if self.rng.random() < 0.3:
            names.append((f"{surname.upper()}, {given}", "alias"))
        return self._person(names, countries, gender)

    def _slavic(self, male: list[str], female: list[str], surnames: list[str], country: str) -> Generated:
        gender = "male" if self.rng.random() < 0.8 else "female"
        given = self.pick(male if gender == "male" else female)
        father = self.pick(male)
        if self.rng.random() < 0.55:
            syl = "".join(self.rng.choice(CYR_SYLLABLES) for _ in range(self.rng.randint(1, 3)))
            surname = (syl + self.rng.choice(CYR_SUFFIXES)).capitalize()
        else:
            surname = self.pick(surnames)
        if father.endswith(("й", "ь")):
            patronymic = father[:-1] + ("евич" if gender == "male" else "евна")
        else:
            patronymic = father.rstrip("оа") + ("ович" if gender == "male" else "овна")
        if gender == "female" and surname.endswith(("ов", "ев", "ин")):
            surname += "а"
        elif gender == "female" and surname.endswith("ий"):
            surname = surname[:-2] + "ая"
        native = f"{surname} {given} {patronymic}"
        latin = f"{romanize(surname).upper()}, {romanize(given)} {romanize(patronymic)}"
        names = [(latin, "primary"), (native, "original")]
        if self.rng.random() < 0.3:
            names.append((f"{romanize(given)} {romanize(surname)}", "alias"))
        return self._person(names, (country,), gender)

    def _russian(self) -> Generated:
        return self._slavic(RU_MALE, RU_FEMALE, RU_SURNAMES, "ru")

    def _ukrainian(self) -> Generated:
        return self._slavic(UA_MALE, UA_FEMALE, UA_SURNAMES, "ua")

    def _arabic_family(self, generated: float) -> tuple[str, str]:
        """A family name from the table, or (with probability ``generated``) built from consonants:
        the Arabic script writes no short vowels, the romanisation does."""
        if self.rng.random() >= generated:
            return self.pick_pair(AR_FAMILY)
        cons = [self.rng.choice(AR_CONSONANTS) for _ in range(self.rng.randint(3, 4))]
        vowels = [self.rng.choice("aiua") for _ in cons]
        latin = "".join(c[1] + v for c, v in zip(cons, vowels, strict=True)).capitalize()
        if self.rng.random() < 0.5:
            return "ال" + "".join(c[0] for c in cons), "Al-" + latin
        return "".join(c[0] for c in cons), latin

    def _arabic(self) -> Generated:
        given, father = self.pick_pair(AR_GIVEN[:-6]), self.pick_pair(AR_GIVEN[:-6])
        family = self._arabic_family(0.5)
        parts = [given, father, family] if self.rng.random() < 0.6 else [given, family]
        latin = " ".join(p[1] for p in parts)
        names = [(latin, "primary")]
        if self.rng.random() < 0.6:
            names.append((" ".join(p[0] for p in parts), "original"))
        if self.rng.random() < 0.3:
            names.append(
                (latin.replace("Mohammed", "Muhammad").replace("Al-", "El-").replace("ou", "u"), "alias")
            )
        return self._person(names, _w("sa ae iq sy ly ye eg lb jo ps sd qa kw om"), "male")

    def _persian(self) -> Generated:
        given, family = self.pick_pair(FA_GIVEN), self.pick_pair(FA_FAMILY)
        if self.rng.random() < 0.6:
            parts = [self.rng.choice(FA_SYLLABLES) for _ in range(self.rng.randint(1, 2))]
            parts.append(self.rng.choice(FA_SUFFIXES))
            family = ("".join(p[0] for p in parts), "".join(p[1] for p in parts).capitalize())
        parts = [given, self.pick_pair(FA_GIVEN), family] if self.rng.random() < 0.3 else [given, family]
        latin, native = " ".join(p[1] for p in parts), " ".join(p[0] for p in parts)
        names = [(latin, "primary"), (native, "original")]
        return self._person(
            names, ("ir",), "female" if given[1] in ("Maryam", "Zahra", "Fatemeh", "Sara") else "male"
        )

    def _chinese(self) -> Generated:
        surname = self.pick_pair(ZH_SURNAMES)
        given = [self.rng.choice(ZH_GIVEN) for _ in range(self.rng.choice((1, 2, 2, 2)))]
        native = surname[0] + "".join(g[0] for g in given)
        latin = f"{surname[1].upper()} {''.join(g[1] for g in given).capitalize()}"
        return self._person([(latin, "primary"), (native, "original")], _w("cn cn cn hk tw sg"), "male")

    def _korean(self) -> Generated:
        surname = self.pick_pair(KO_SURNAMES)
        given = [self.rng.choice(KO_SYLLABLES) for _ in range(2)]
        native = surname[0] + "".join(g[0] for g in given)
        latin = f"{surname[1]} {given[0][1].capitalize()}-{given[1][1]}"
        names = [(latin, "primary"), (native, "original")]
        if self.rng.random() < 0.4:
            names.append((f"{surname[1]} {given[0][1].capitalize()}{given[1][1]}", "alias"))
        return self._person(names, _w("kp kp kr"), "male")

    def _japanese(self) -> Generated:
        surname, given = self.pick_pair(JA_SURNAMES), self.pick_pair(JA_GIVEN)
        if self.rng.random() < 0.6:
            a, b = self.rng.sample(JA_MORPHS, 2)
            surname = (a[0] + b[0], (a[1] + b[1]).capitalize())
        if self.rng.random() < 0.6:
            a, b = self.rng.sample(JA_GIVEN_MORPHS, 2)
            given = (a[0] + b[0], (a[1] + b[1]).capitalize())
        return self._person(
            [(f"{given[1]} {surname[1]}", "primary"), (surname[0] + given[0], "original")], ("jp",), "male"
        )

    def _greek(self) -> Generated:
        given, surname = self.pick(GREEK_GIVEN), self.pick(GREEK_SURNAMES)
        if self.rng.random() < 0.6:
            surname = self.rng.choice(GREEK_STEMS) + self.rng.choice(GREEK_ENDINGS)
        names = [(f"{romanize(given)} {romanize(surname)}", "primary"), (f"{given} {surname}", "original")]
        return self._person(names, ("gr", "cy"), "male")

    def _hindi(self) -> Generated:
        parts = [self.pick_pair(HI_GIVEN)]
        if self.rng.random() < 0.5:
            parts.append(self.pick_pair(HI_GIVEN))
        parts.append(self.pick_pair(HI_FAMILY))
        latin, native = " ".join(p[1] for p in parts), " ".join(p[0] for p in parts)
        names = [(latin, "primary"), (native, "original")]
        return self._person(names, ("in",), "male")

    def company(self) -> Generated:
        r = self.rng
        x = r.random()
        schema = "Company" if r.random() < 0.8 else "Organization"
        brand = self.syllables(r.randint(2, 3)).capitalize() if r.random() < 0.5 else r.choice(EN_WORDS)
        if x < 0.5:
            name = f"{brand} {r.choice(EN_INDUSTRY)} {r.choice(LEGAL_FORMS)}"
            if r.random() < 0.3:
                name = f"{r.choice(EN_WORDS)} {name}"
            names = [(name.upper() if r.random() < 0.5 else name, "primary")]
            countries: tuple[str, ...] = (r.choice(_w("ae hk cn tr ru gb us sg my ir cy pa mh")),)
        elif x < 0.72:
            native_brand = "".join(r.choice(RU_BRANDS) for _ in range(r.randint(1, 2)))
            if r.random() < 0.8:
                native_brand += "".join(r.choice(CYR_SYLLABLES) for _ in range(r.randint(1, 2)))
            native_brand = native_brand.capitalize()
            form, form_lat = r.choice(RU_FORMS)
            names = [
                (f'{form_lat} "{romanize(native_brand).upper()}"', "primary"),
                (f"{form} «{native_brand}»", "original"),
            ]
            if r.random() < 0.4:
                names.append((f"LIMITED LIABILITY COMPANY {romanize(native_brand).upper()}", "alias"))
            countries = (r.choice(("ru", "ru", "by", "ua", "kz")),)
        elif x < 0.86:
            city, business = r.choice(ZH_CITIES), r.choice(ZH_BUSINESS)
            g = [r.choice(ZH_GIVEN) for _ in range(2)]
            native = f"{city[0]}{g[0][0]}{g[1][0]}{business[0]}有限公司"
            latin = f"{city[1]} {(g[0][1] + g[1][1]).capitalize()} {business[1]} Co., Ltd."
            names = [(latin, "primary"), (native, "original")]
            countries = (r.choice(("cn", "cn", "hk")),)
        elif x < 0.95:
            family, business = self._arabic_family(0.8), r.choice(AR_BUSINESS)
            names = [
                (f"{family[1]} {business[1]} Company", "primary"),
                (f"شركة {family[0]} {business[0]}", "original"),
            ]
            countries = (r.choice(_w("ae sa iq sy ly ye lb")),)
        else:
            s = [r.choice(KO_SYLLABLES) for _ in range(r.randint(2, 3))]
            names = [
                (f"{''.join(x[1] for x in s).capitalize()} Trading Co., Ltd.", "primary"),
                (f"{''.join(x[0] for x in s)} 무역 주식회사", "original"),
            ]
            countries = (r.choice(("kp", "kr")),)
        return Generated(schema, tuple(names), countries, None)

    def vessel(self) -> Generated:
        r = self.rng
        first, second = r.sample(VESSEL_WORDS, 2)
        name = (
            f"{first} {second}" if r.random() < 0.6 else f"{first} {self.syllables(r.randint(2, 3)).upper()}"
        )
        if r.random() < 0.5:
            name += f" {r.randint(1, 99)}"
        return Generated("Vessel", ((name, "primary"),), (r.choice(_w("pa lr mh ir kp ru cm tz")),), None)

    def birth_date(self) -> str:
        r = self.rng
        y = r.randint(1940, 2002)
        if r.random() < 0.2:
            return str(y)
        return f"{y}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"


def synthetic_entities(n: int, seed: int = 1) -> Iterator[Entity]:
    """``n`` entities as a sanctions list would hold them (source ``synthetic``)."""
    f = NameFactory(seed)
    for i in range(n):
        g = f.entity()
        person = g.schema == "Person"
        yield make_entity(
            source="synthetic",
            source_id=str(i),
            schema=g.schema,  # type: ignore[arg-type]
            names=[Name(v, k) for v, k in g.names],  # type: ignore[arg-type]
            birth_dates=[f.birth_date()] if person and f.rng.random() < 0.8 else [],
            nationalities=g.countries if person else [],
            countries=() if person else g.countries,
            gender=g.gender if person else None,
        )


# --- query variations ----------------------------------------------------------------------

_VOWELS = set("aeiouAEIOU")


def vary(name: str, rng: random.Random) -> tuple[str, str]:
    """A plausible misspelling of ``name`` as a user would type it: (variation kind, query)."""
    tokens = name.replace(",", "").split()
    kinds = ["typo", "transpose", "deletion", "case", "order", "diacritics"]
    if len(tokens) >= 3:
        kinds.append("token_drop")
    if len(tokens) >= 2 and name.isascii():
        kinds += ["initial", "vowel_drop", "truncate"]
    kind = rng.choice(kinds)
    longest = max(range(len(tokens)), key=lambda i: len(tokens[i])) if tokens else 0
    tok = tokens[longest] if tokens else name
    if kind in ("typo", "transpose", "deletion") and len(tok) >= 4:
        i = rng.randrange(1, len(tok) - 1)
        if kind == "typo":
            tok = tok[:i] + rng.choice(tok) + tok[i + 1 :]
        elif kind == "transpose":
            tok = tok[:i] + tok[i + 1] + tok[i] + tok[i + 2 :]
        else:
            tok = tok[:i] + tok[i + 1 :]
        tokens[longest] = tok
    elif kind == "case":
        return kind, name.lower() if rng.random() < 0.5 else name.upper()
    elif kind == "order":
        tokens = tokens[1:] + tokens[:1]
    elif kind == "diacritics":
        return kind, "".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c))
    elif kind == "token_drop":
        del tokens[rng.randrange(1, len(tokens))]
    elif kind == "initial":
        tokens[0] = tokens[0][0] + "."
    elif kind == "vowel_drop":
        tokens[longest] = tok[0] + "".join(c for c in tok[1:] if c not in _VOWELS)
    elif kind == "truncate":
        tokens[-1] = tokens[-1][: max(3, int(len(tokens[-1]) * 0.6))]
    return kind, " ".join(tokens)
