"""Generate the search samples' data, deterministically: a product catalog, user profiles and a labelled
query set.

    python scripts/gen_catalog.py          # writes the three files below
    python scripts/gen_catalog.py --check  # fails if the committed files differ from what it would write

Writes `stdlib_modules/search/data/catalog.jsonl.gz` and `users.json` (package data: the search modules read
them wherever cst is installed), `samples/search/queries.jsonl` (the labelled queries the eval uses) and
`samples/search/traffic.jsonl` (the same queries as pipeline inputs, with users, for `cst bench`).

The products are fictional, with structured attributes (category, type, brand, colour family, material,
price) and free text (title, description). Titles name the colour by its shade ("Burgundy", "Charcoal") and
the product by its usual name ("Sofa"); descriptions sometimes use a synonym ("couch"). Query relevance is
computed from the structured attributes, never from the text the search engines see, so the eval measures
how well text search recovers the attributes: synonyms and shades defeat exact terms, rare model codes and
brand names reward them.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "stdlib_modules" / "search" / "data"
CATALOG = DATA_DIR / "catalog.jsonl.gz"
USERS = DATA_DIR / "users.json"
QUERIES = ROOT / "samples" / "search" / "queries.jsonl"
TRAFFIC = ROOT / "samples" / "search" / "traffic.jsonl"  # inputs for `cst bench` / `cst cost`: query + userId

SEED = 20261101
PER_TYPE = 34  # products per product type: ~3,000 in all

SHADES: dict[str, list[str]] = {
    "red": ["Red", "Crimson", "Burgundy", "Scarlet", "Wine"],
    "blue": ["Blue", "Navy", "Cobalt", "Sky Blue", "Indigo"],
    "black": ["Black", "Jet Black", "Onyx"],
    "white": ["White", "Ivory", "Snow White", "Off-White"],
    "grey": ["Grey", "Charcoal", "Slate", "Ash Grey", "Graphite"],
    "green": ["Green", "Olive", "Sage", "Emerald", "Forest Green"],
    "beige": ["Beige", "Sand", "Cream", "Oatmeal", "Taupe"],
    "brown": ["Brown", "Cognac", "Chocolate", "Tan", "Walnut Brown"],
    "pink": ["Pink", "Blush", "Rose", "Fuchsia"],
    "yellow": ["Yellow", "Mustard", "Lemon"],
    "orange": ["Orange", "Rust", "Terracotta"],
    "purple": ["Purple", "Lavender", "Plum"],
    "silver": ["Silver", "Platinum"],
    "gold": ["Gold", "Champagne"],
}

FILLER = [
    "Free returns within 30 days.",
    "Ships in 2-3 business days.",
    "Backed by a two-year warranty.",
    "A customer favourite, rated 4.6 out of 5.",
    "Designed in Copenhagen.",
    "Carefully packed in recycled packaging.",
    "Part of our best-selling collection.",
    "Easy to care for and built to last.",
]


@dataclass(frozen=True)
class PType:
    name: str  # canonical name, used in titles
    synonyms: tuple[str, ...]  # what people also call it; descriptions use one sometimes
    price: tuple[float, float]
    blurb: tuple[str, ...]  # description sentences; {material} {shade} {brand} {feature} are filled in


@dataclass(frozen=True)
class Category:
    name: str
    department: str
    brands: tuple[str, ...]
    materials: tuple[str, ...]
    colours: tuple[str, ...]  # colour families this category comes in
    features: tuple[str, ...]
    types: tuple[PType, ...]
    coded: bool = False  # electronics: products carry a model code such as "VX-1420"
    lines: tuple[str, ...] = ()  # model lines, for coded categories


FURN_COLOURS = ("grey", "beige", "blue", "green", "brown", "black", "white", "pink", "yellow")
FASHION_COLOURS = ("red", "blue", "black", "white", "grey", "green", "beige", "pink", "purple", "yellow", "brown")
TECH_COLOURS = ("black", "white", "silver", "grey", "blue", "gold", "red")


def _t(name: str, syn: str, lo: float, hi: float, *blurb: str) -> PType:
    return PType(name, tuple(s for s in syn.split("|") if s), (lo, hi), tuple(blurb))


CATEGORIES: tuple[Category, ...] = (
    Category(
        "Sofas",
        "Furniture",
        ("Norrland", "Casa Verde", "Hearthwood", "Modulo"),
        ("Leather", "Velvet", "Linen", "Boucle", "Faux Leather", "Corduroy"),
        (*FURN_COLOURS, "red"),
        (
            "deep seats",
            "feather-wrapped cushions",
            "solid beech legs",
            "removable covers",
            "a kiln-dried hardwood frame",
        ),
        (
            _t(
                "3-Seat Sofa",
                "couch|settee",
                350,
                2400,
                "A generous three-seater in {shade} {material}.",
                "With {feature}.",
            ),
            _t(
                "Sectional Sofa",
                "corner couch|L-shaped sofa|modular couch",
                700,
                3200,
                "A roomy corner sofa in {shade} {material}.",
                "Reversible chaise, {feature}.",
            ),
            _t(
                "Loveseat",
                "two-seater|small couch|2-seat sofa",
                250,
                1400,
                "A compact two-seater in {shade} {material}, made for small spaces.",
                "With {feature}.",
            ),
            _t(
                "Sleeper Sofa",
                "sofa bed|pull-out couch|futon",
                400,
                1900,
                "Seats three by day and sleeps two by night; {shade} {material}.",
                "Pull-out mattress and {feature}.",
            ),
        ),
    ),
    Category(
        "Chairs",
        "Furniture",
        ("Norrland", "Hearthwood", "Modulo", "Ergonix"),
        ("Leather", "Mesh", "Velvet", "Oak", "Fabric", "Rattan"),
        FURN_COLOURS,
        ("a swivel base", "adjustable height", "lumbar support", "padded armrests", "stackable design"),
        (
            _t(
                "Armchair",
                "accent chair|lounge chair|club chair",
                150,
                1100,
                "A deep armchair upholstered in {shade} {material}.",
                "With {feature}.",
            ),
            _t(
                "Office Chair",
                "desk chair|ergonomic chair|task chair|computer chair",
                90,
                900,
                "An ergonomic office chair in {shade} {material} for long working days.",
                "With {feature} and a 5-year warranty.",
            ),
            _t(
                "Dining Chair",
                "kitchen chair|side chair",
                60,
                450,
                "A dining chair in {shade} {material}.",
                "With {feature}.",
            ),
            _t(
                "Recliner",
                "reclining chair|lazy boy|reclining armchair",
                300,
                1500,
                "A recliner in {shade} {material} that leans back at the push of a lever.",
                "With {feature}.",
            ),
        ),
    ),
    Category(
        "Tables",
        "Furniture",
        ("Hearthwood", "Lumen & Oak", "Modulo", "Casa Verde"),
        ("Oak", "Walnut", "Glass", "Marble", "Pine", "Steel"),
        ("brown", "white", "black", "grey", "beige"),
        ("rounded corners", "a lower shelf", "hairpin legs", "an extendable top", "a scratch-resistant finish"),
        (
            _t(
                "Coffee Table",
                "cocktail table|centre table",
                80,
                900,
                "A low {material} coffee table in {shade}.",
                "With {feature}.",
            ),
            _t(
                "Dining Table",
                "kitchen table|dinner table",
                250,
                2200,
                "A {material} dining table in {shade} that seats six.",
                "With {feature}.",
            ),
            _t(
                "Writing Desk",
                "desk|workstation|computer desk|study table",
                120,
                1200,
                "A {material} writing desk in {shade} for the home office.",
                "With {feature} and cable management.",
            ),
            _t(
                "Side Table",
                "end table|nightstand|bedside table",
                40,
                500,
                "A small {material} side table in {shade}.",
                "With {feature}.",
            ),
        ),
    ),
    Category(
        "Beds",
        "Furniture",
        ("Norrland", "Dreamwell", "Hearthwood"),
        ("Oak", "Pine", "Upholstered", "Metal", "Memory Foam", "Walnut"),
        ("white", "grey", "beige", "brown", "black", "blue"),
        ("under-bed storage", "a padded headboard", "slatted base", "a medium-firm feel", "cooling gel layers"),
        (
            _t(
                "Double Bed Frame",
                "bedstead|bed base|queen bed",
                200,
                1800,
                "A {material} bed frame in {shade}.",
                "With {feature}.",
            ),
            _t(
                "Bunk Bed",
                "loft bed|kids bed",
                250,
                1100,
                "A {material} bunk bed in {shade} with a safety rail.",
                "With {feature}.",
            ),
            _t(
                "Mattress",
                "memory foam mattress|spring mattress",
                180,
                2000,
                "A {material} mattress with {feature}.",
                "Cover in {shade} knit fabric.",
            ),
        ),
    ),
    Category(
        "Lighting",
        "Furniture",
        ("Lumen & Oak", "Brightline", "Halden"),
        ("Brass", "Ceramic", "Linen", "Steel", "Rattan", "Glass"),
        ("white", "black", "gold", "grey", "green", "beige"),
        ("a dimmable LED bulb", "an adjustable arm", "a linen shade", "a touch switch", "warm white light"),
        (
            _t(
                "Floor Lamp",
                "standing lamp|standard lamp|torchiere",
                40,
                400,
                "A tall {material} floor lamp in {shade}.",
                "With {feature}.",
            ),
            _t(
                "Desk Lamp",
                "task lamp|reading lamp|study lamp",
                20,
                180,
                "A {material} desk lamp in {shade}.",
                "With {feature}.",
            ),
            _t(
                "Pendant Light",
                "hanging lamp|ceiling light|chandelier",
                35,
                450,
                "A {material} pendant light in {shade} for dining rooms and kitchens.",
                "With {feature}.",
            ),
            _t(
                "Table Lamp",
                "bedside lamp|accent lamp",
                25,
                250,
                "A {material} table lamp in {shade}.",
                "With {feature}.",
            ),
        ),
    ),
    Category(
        "Dresses",
        "Clothing",
        ("Aurelia", "Maison Rue", "Vela", "Northbound"),
        ("Cotton", "Silk", "Linen", "Satin", "Chiffon", "Jersey"),
        FASHION_COLOURS,
        ("a flattering V-neck", "hidden side pockets", "a tie waist", "puff sleeves", "a pleated skirt"),
        (
            _t(
                "Maxi Dress",
                "long dress|floor-length dress|gown",
                35,
                320,
                "A floor-length {shade} {material} dress.",
                "With {feature}.",
            ),
            _t(
                "Midi Dress",
                "mid-length dress|tea dress",
                30,
                260,
                "A {shade} {material} midi dress that falls below the knee.",
                "With {feature}.",
            ),
            _t(
                "Cocktail Dress",
                "party dress|evening dress|wedding guest dress",
                50,
                400,
                "A {shade} {material} cocktail dress for weddings and parties.",
                "With {feature}.",
            ),
            _t("Wrap Dress", "wraparound dress", 30, 220, "A {shade} {material} wrap dress.", "With {feature}."),
            _t(
                "Sundress",
                "summer dress|beach dress",
                20,
                150,
                "A light {shade} {material} sundress for warm days.",
                "With {feature}.",
            ),
        ),
    ),
    Category(
        "Tops",
        "Clothing",
        ("Northbound", "Vela", "Aurelia", "Basecamp"),
        ("Cotton", "Merino Wool", "Linen", "Cashmere", "Organic Cotton", "Silk"),
        FASHION_COLOURS,
        ("a relaxed fit", "ribbed cuffs", "a crew neck", "a button placket", "side slits"),
        (
            _t("T-Shirt", "tee|tshirt|top", 10, 60, "A {shade} {material} t-shirt.", "With {feature}."),
            _t("Blouse", "shirt|top", 25, 180, "A {shade} {material} blouse.", "With {feature}."),
            _t(
                "Sweater",
                "jumper|pullover|knitwear|knit",
                35,
                320,
                "A soft {shade} {material} sweater.",
                "With {feature}.",
            ),
            _t(
                "Hoodie",
                "hooded sweatshirt|sweatshirt",
                30,
                140,
                "A {shade} {material} hoodie with a kangaroo pocket.",
                "With {feature}.",
            ),
        ),
    ),
    Category(
        "Outerwear",
        "Clothing",
        ("Northbound", "Basecamp", "Maison Rue", "Stormline"),
        ("Leather", "Wool", "Nylon", "Cotton", "Suede", "Gore-Tex"),
        ("black", "brown", "blue", "green", "beige", "grey", "red", "yellow"),
        ("a detachable hood", "taped seams", "a quilted lining", "zip pockets", "a storm flap"),
        (
            _t(
                "Leather Jacket",
                "biker jacket|moto jacket",
                120,
                700,
                "A {shade} biker-style jacket with {feature}.",
                "Cut from {material}.",
            ),
            _t(
                "Parka",
                "winter coat|arctic coat|anorak",
                120,
                650,
                "A warm {shade} {material} parka for freezing days.",
                "With {feature}.",
            ),
            _t(
                "Raincoat",
                "rain jacket|waterproof jacket|mac",
                60,
                380,
                "A waterproof {shade} {material} raincoat that keeps you dry on hikes and commutes.",
                "With {feature}.",
            ),
            _t("Blazer", "sport coat|suit jacket", 80, 450, "A tailored {shade} {material} blazer.", "With {feature}."),
            _t(
                "Puffer Jacket",
                "down jacket|quilted jacket|padded jacket",
                70,
                420,
                "A {shade} {material} puffer jacket, insulated with recycled down.",
                "With {feature}.",
            ),
        ),
    ),
    Category(
        "Trousers",
        "Clothing",
        ("Kinfolk Denim", "Northbound", "Vela", "Basecamp"),
        ("Denim", "Cotton Twill", "Linen", "Wool", "Stretch Cotton", "Corduroy"),
        ("blue", "black", "grey", "beige", "green", "brown", "white"),
        ("a slim fit", "a high waist", "a straight leg", "five pockets", "an elasticated waist"),
        (
            _t("Jeans", "denim|denims", 30, 220, "Classic {shade} jeans in {material}.", "With {feature}."),
            _t("Chinos", "khakis|chino pants", 30, 160, "{shade} {material} chinos.", "With {feature}."),
            _t("Trousers", "pants|slacks", 35, 250, "Smart {shade} {material} trousers.", "With {feature}."),
            _t("Leggings", "tights|yoga pants", 15, 90, "Stretchy {shade} {material} leggings.", "With {feature}."),
        ),
    ),
    Category(
        "Shoes",
        "Clothing",
        ("Stride", "Trailhead", "Pacer", "Maison Rue"),
        ("Mesh", "Leather", "Suede", "Canvas", "Knit", "Nubuck"),
        ("white", "black", "grey", "blue", "red", "brown", "pink", "green", "beige"),
        ("a cushioned sole", "a grippy outsole", "a padded collar", "a breathable upper", "a removable insole"),
        (
            _t(
                "Running Shoes",
                "sneakers|trainers|joggers|running trainers",
                40,
                260,
                "Lightweight {shade} {material} running shoes with {feature}.",
                "Made for daily miles.",
            ),
            _t("Ankle Boots", "booties|chelsea boots", 60, 350, "{shade} {material} ankle boots.", "With {feature}."),
            _t(
                "Hiking Boots",
                "trekking boots|walking boots",
                80,
                320,
                "Waterproof {shade} {material} hiking boots for the trail.",
                "With {feature}.",
            ),
            _t("Sandals", "sliders|flip flops", 20, 140, "{shade} {material} sandals for summer.", "With {feature}."),
            _t(
                "Loafers", "slip-ons|moccasins|penny loafers", 50, 300, "{shade} {material} loafers.", "With {feature}."
            ),
        ),
    ),
    Category(
        "Bags",
        "Accessories",
        ("Atlas Carry", "Vela", "Nomad", "Trailhead"),
        ("Leather", "Canvas", "Nylon", "Recycled Polyester", "Vegan Leather"),
        ("black", "brown", "grey", "blue", "green", "beige", "red", "pink"),
        ("a padded laptop sleeve", "water-resistant fabric", "an adjustable strap", "many inner pockets", "YKK zips"),
        (
            _t(
                "Backpack",
                "rucksack|daypack|school bag",
                30,
                260,
                "A {shade} {material} backpack with {feature}.",
                "Fits a 15-inch laptop.",
            ),
            _t("Handbag", "purse|shoulder bag", 40, 500, "A {shade} {material} handbag.", "With {feature}."),
            _t("Tote Bag", "shopper|shopping bag", 20, 220, "A roomy {shade} {material} tote.", "With {feature}."),
            _t(
                "Duffel Bag",
                "weekender|gym bag|holdall",
                40,
                300,
                "A {shade} {material} duffel bag for weekends away.",
                "With {feature}.",
            ),
            _t(
                "Carry-On Suitcase",
                "luggage|cabin bag|trolley",
                80,
                450,
                "A {shade} {material} carry-on suitcase on four spinner wheels.",
                "With {feature}.",
            ),
        ),
    ),
    Category(
        "Laptops",
        "Electronics",
        ("Voltix", "Pixelon", "Arcwave", "Kaito"),
        ("Aluminium", "Magnesium", "Carbon Fibre", "Plastic"),
        ("silver", "grey", "black", "blue", "gold"),
        (
            "16GB RAM and a 512GB SSD",
            "32GB RAM and a 1TB SSD",
            "8GB RAM and a 256GB SSD",
            "a 120Hz display",
            "all-day battery life",
        ),
        (
            _t(
                "Laptop",
                "notebook|notebook computer|portable computer",
                380,
                2400,
                "A 14-inch {material} laptop in {shade} with {feature}.",
                "Weighs 1.3 kg.",
            ),
            _t(
                "Gaming Laptop",
                "gaming notebook|gaming pc",
                900,
                3500,
                "A 16-inch gaming laptop with an RTX graphics card and {feature}.",
                "{shade} {material} chassis.",
            ),
            _t(
                "2-in-1 Laptop",
                "convertible laptop|tablet laptop|detachable",
                450,
                1900,
                "A 13-inch touchscreen 2-in-1 in {shade} with {feature}.",
                "Folds into a tablet.",
            ),
        ),
        coded=True,
        lines=("AirBook", "ProBook", "Zen", "Edge", "Nova", "Stealth"),
    ),
    Category(
        "Phones",
        "Electronics",
        ("Pixelon", "Voltix", "Kaito", "Arcwave"),
        ("Glass", "Aluminium", "Titanium"),
        TECH_COLOURS,
        ("a 50MP camera", "a 120Hz OLED screen", "5G", "a 5000mAh battery", "256GB storage"),
        (
            _t(
                "Smartphone",
                "mobile phone|cell phone|cellphone|android phone",
                150,
                1500,
                "A {shade} smartphone with {feature}.",
                "{material} back.",
            ),
            _t(
                "Foldable Phone",
                "flip phone|folding phone",
                700,
                1900,
                "A {shade} foldable smartphone with {feature}.",
                "{material} hinge.",
            ),
        ),
        coded=True,
        lines=("P", "Q", "X", "S", "Z"),
    ),
    Category(
        "Headphones",
        "Electronics",
        ("Sonora", "Arcwave", "Voltix", "Kaito"),
        ("Plastic", "Aluminium", "Leather"),
        TECH_COLOURS,
        (
            "30-hour battery life",
            "multipoint Bluetooth",
            "a USB-C charging case",
            "a built-in microphone",
            "fast charging",
        ),
        (
            _t(
                "Over-Ear Headphones",
                "headset|cans|wireless headphones",
                40,
                450,
                "{shade} over-ear headphones with {feature}.",
                "Memory-foam {material} cushions.",
            ),
            _t(
                "Wireless Earbuds",
                "earphones|in-ear headphones|true wireless earbuds|earpods",
                20,
                300,
                "{shade} true wireless earbuds with {feature}.",
                "Sweat resistant.",
            ),
            _t(
                "Noise Cancelling Headphones",
                "ANC headphones|travel headphones",
                90,
                500,
                "{shade} headphones with active noise cancellation and {feature}.",
                "Ideal for flights and open offices.",
            ),
        ),
        coded=True,
        lines=("Q", "Aura", "Bass", "Studio", "Pulse"),
    ),
    Category(
        "TVs",
        "Electronics",
        ("Pixelon", "Kaito", "Arcwave"),
        ("Aluminium", "Plastic"),
        ("black", "silver", "grey"),
        ("Dolby Vision", "a 120Hz panel", "built-in streaming apps", "HDMI 2.1", "voice control"),
        (
            _t(
                "55-Inch 4K TV",
                "television|smart tv|ultra hd tv|uhd tv",
                350,
                1600,
                "A 55-inch 4K smart TV with {feature}.",
                "{shade} {material} stand.",
            ),
            _t(
                "65-Inch OLED TV",
                "oled television|big screen tv",
                1100,
                3200,
                "A 65-inch OLED TV with perfect blacks and {feature}.",
                "{shade} {material} frame.",
            ),
        ),
        coded=True,
        lines=("Vista", "Cinema", "Q", "Crystal"),
    ),
    Category(
        "Cameras",
        "Electronics",
        ("Kaito", "Optiq", "Pixelon"),
        ("Magnesium", "Plastic", "Aluminium"),
        ("black", "silver", "grey", "white"),
        ("a 24MP sensor", "4K video", "in-body stabilisation", "a flip screen", "weather sealing"),
        (
            _t(
                "Mirrorless Camera",
                "compact system camera|interchangeable lens camera",
                450,
                3000,
                "A {shade} mirrorless camera with {feature}.",
                "Kit lens included.",
            ),
            _t(
                "DSLR Camera",
                "digital slr|reflex camera",
                400,
                2500,
                "A {shade} DSLR with {feature}.",
                "Optical viewfinder.",
            ),
            _t(
                "Action Camera",
                "helmet camera|sports cam|waterproof camera",
                80,
                500,
                "A rugged {shade} action camera with {feature}.",
                "Waterproof to 10 m.",
            ),
        ),
        coded=True,
        lines=("Alpha", "Z", "Snap", "Trail"),
    ),
    Category(
        "Wearables",
        "Electronics",
        ("Pulse", "Voltix", "Arcwave"),
        ("Aluminium", "Steel", "Silicone", "Titanium"),
        TECH_COLOURS,
        ("GPS", "heart-rate monitoring", "sleep tracking", "a 7-day battery", "contactless payments"),
        (
            _t(
                "Smartwatch",
                "smart watch|watch|wristwatch",
                90,
                700,
                "A {shade} smartwatch with {feature}.",
                "{material} case.",
            ),
            _t(
                "Fitness Tracker",
                "activity tracker|fitness band|step counter",
                30,
                200,
                "A slim {shade} fitness tracker with {feature}.",
                "{material} strap.",
            ),
        ),
        coded=True,
        lines=("Fit", "Sport", "Active", "Run"),
    ),
    Category(
        "Speakers",
        "Electronics",
        ("Sonora", "Arcwave", "Kaito"),
        ("Fabric", "Aluminium", "Rubber"),
        ("black", "grey", "blue", "red", "white", "green"),
        ("deep bass", "12-hour battery life", "IP67 waterproofing", "voice assistant", "stereo pairing"),
        (
            _t(
                "Bluetooth Speaker",
                "portable speaker|wireless speaker",
                25,
                300,
                "A {shade} portable Bluetooth speaker with {feature}.",
                "{material} grille.",
            ),
            _t(
                "Soundbar", "sound bar|tv speaker", 120, 900, "A {shade} soundbar with {feature}.", "{material} finish."
            ),
            _t(
                "Smart Speaker",
                "voice assistant speaker|home speaker",
                40,
                350,
                "A {shade} smart speaker with {feature}.",
                "{material} cover.",
            ),
        ),
        coded=True,
        lines=("Boom", "Wave", "Echo", "Beat"),
    ),
    Category(
        "Kitchen Appliances",
        "Home & Kitchen",
        ("Brewster", "Culina", "Hearth & Co"),
        ("Stainless Steel", "Plastic", "Glass", "Brushed Steel"),
        ("silver", "black", "white", "red", "green", "beige"),
        ("a 1.5 litre capacity", "auto shut-off", "dishwasher-safe parts", "a digital timer", "several speed settings"),
        (
            _t(
                "Blender",
                "smoothie maker|liquidiser|food processor",
                30,
                400,
                "A {shade} {material} blender with {feature}.",
                "Crushes ice in seconds.",
            ),
            _t(
                "Espresso Machine",
                "coffee machine|coffee maker|cappuccino maker",
                90,
                900,
                "A {shade} espresso machine with a milk frother and {feature}.",
                "{material} body.",
            ),
            _t(
                "Toaster",
                "2-slice toaster|sandwich toaster",
                25,
                150,
                "A {shade} {material} toaster with {feature}.",
                "Wide slots for bagels.",
            ),
            _t(
                "Electric Kettle",
                "kettle|water boiler",
                25,
                160,
                "A {shade} {material} electric kettle with {feature}.",
                "Boils in three minutes.",
            ),
            _t(
                "Air Fryer",
                "halogen oven|hot air fryer",
                50,
                300,
                "A {shade} air fryer with {feature}.",
                "Crispy food with little oil.",
            ),
        ),
    ),
    Category(
        "Cookware",
        "Home & Kitchen",
        ("Culina", "Hearth & Co", "Forgeworks"),
        ("Cast Iron", "Stainless Steel", "Carbon Steel", "Non-Stick", "Copper"),
        ("black", "silver", "red", "blue", "green", "orange"),
        ("an oven-safe handle", "induction compatibility", "a glass lid", "a lifetime guarantee", "even heating"),
        (
            _t(
                "Frying Pan",
                "skillet|fry pan|saute pan",
                15,
                180,
                "A 28 cm {material} frying pan with {feature}.",
                "{shade} exterior.",
            ),
            _t(
                "Saucepan",
                "pot|cooking pot|stockpot",
                20,
                200,
                "A {material} saucepan with {feature}.",
                "{shade} finish.",
            ),
            _t(
                "Dutch Oven",
                "casserole dish|cocotte|french oven",
                40,
                400,
                "A {shade} enamelled {material} dutch oven with {feature}.",
                "For stews and bread.",
            ),
            _t(
                "Knife Set",
                "kitchen knives|chef knives|knife block",
                30,
                400,
                "A {material} knife set with {feature}.",
                "{shade} handles.",
            ),
        ),
    ),
    Category(
        "Fitness",
        "Sports & Outdoors",
        ("Ironclad", "Flowform", "Pacer"),
        ("Rubber", "Steel", "Cork", "TPE", "Neoprene"),
        ("black", "grey", "blue", "purple", "pink", "green"),
        ("a non-slip surface", "a compact design", "an LCD display", "quick-change plates", "a carry strap"),
        (
            _t(
                "Yoga Mat",
                "exercise mat|pilates mat|workout mat",
                15,
                120,
                "A 6 mm {shade} {material} yoga mat with {feature}.",
                "Good for home workouts.",
            ),
            _t(
                "Adjustable Dumbbells",
                "hand weights|free weights|dumbbell set",
                40,
                450,
                "{shade} adjustable dumbbells with {feature}.",
                "From 2 to 24 kg.",
            ),
            _t(
                "Kettlebell",
                "kettle bell|russian kettlebell",
                20,
                150,
                "A {shade} {material} kettlebell with {feature}.",
                "Wide handle.",
            ),
            _t(
                "Exercise Bike",
                "stationary bike|spin bike|indoor cycle",
                200,
                2000,
                "A {shade} exercise bike with {feature}.",
                "Quiet magnetic resistance.",
            ),
            _t(
                "Treadmill",
                "running machine|walking pad",
                350,
                2500,
                "A folding {shade} treadmill with {feature}.",
                "Up to 16 km/h.",
            ),
        ),
    ),
    Category(
        "Outdoor",
        "Sports & Outdoors",
        ("Trailhead", "Summit Gear", "Basecamp"),
        ("Nylon", "Polyester", "Ripstop", "Aluminium", "Down"),
        ("green", "orange", "blue", "grey", "red", "yellow", "black"),
        (
            "a lightweight build",
            "a waterproof flysheet",
            "a compression sack",
            "quick pitching",
            "a rechargeable battery",
        ),
        (
            _t(
                "Camping Tent",
                "tent|dome tent|backpacking tent",
                60,
                700,
                "A {shade} {material} 2-person tent with {feature}.",
                "Packs down small.",
            ),
            _t(
                "Sleeping Bag",
                "sleeping sack|mummy bag",
                30,
                400,
                "A {shade} {material} sleeping bag rated to -5 C with {feature}.",
                "For three-season camping.",
            ),
            _t(
                "Camping Stove",
                "gas stove|camp stove|backpacking stove",
                25,
                200,
                "A {shade} camping stove with {feature}.",
                "Boils water in 3 minutes.",
            ),
            _t("Headlamp", "head torch|head light", 15, 90, "A {shade} headlamp with {feature}.", "400 lumens."),
        ),
    ),
    Category(
        "Bicycles",
        "Sports & Outdoors",
        ("Velocity", "Ridgeway", "Cadence"),
        ("Aluminium", "Carbon", "Steel", "Chromoly"),
        ("black", "white", "red", "blue", "green", "grey", "orange", "yellow"),
        (
            "hydraulic disc brakes",
            "Shimano gears",
            "a lightweight frame",
            "puncture-resistant tyres",
            "front suspension",
        ),
        (
            _t(
                "Road Bike",
                "racing bike|racer|road bicycle",
                500,
                4000,
                "A {shade} {material} road bike with {feature}.",
                "Drop handlebars.",
            ),
            _t(
                "Mountain Bike",
                "mtb|trail bike|off-road bike",
                400,
                3500,
                "A {shade} {material} mountain bike with {feature}.",
                "Knobbly tyres for the trails.",
            ),
            _t(
                "Electric Bike",
                "e-bike|ebike|pedelec|electric bicycle",
                900,
                4000,
                "A {shade} electric bike with a 500Wh battery and {feature}.",
                "Up to 100 km of assistance.",
            ),
            _t(
                "Folding Bike",
                "foldable bike|commuter bike",
                300,
                1800,
                "A {shade} folding bike with {feature}.",
                "Folds in 10 seconds.",
            ),
        ),
    ),
)


@dataclass
class Product:
    id: str
    title: str
    description: str
    category: str
    department: str
    type: str
    brand: str
    colour: str
    shade: str
    material: str
    price: float
    model: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def public(self) -> dict[str, Any]:
        out = {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "category": self.category,
            "department": self.department,
            "type": self.type,
            "brand": self.brand,
            "colour": self.colour,
            "material": self.material,
            "price": self.price,
        }
        if self.model:
            out["model"] = self.model
        return out


def _price(rng: random.Random, lo: float, hi: float) -> float:
    import math

    p = math.exp(rng.uniform(math.log(lo), math.log(hi)))
    whole = int(p)
    return float(whole) + (0.99 if rng.random() < 0.7 else 0.0)


def make_products(rng: random.Random) -> list[Product]:
    products: list[Product] = []
    codes: set[str] = set()
    n = 0
    for cat in CATEGORIES:
        for pt in cat.types:
            for _ in range(PER_TYPE):
                n += 1
                brand = rng.choice(cat.brands)
                colour = rng.choice(cat.colours)
                shade = rng.choice(SHADES[colour])
                material = rng.choice(cat.materials)
                if material in ("Leather", "Faux Leather", "Suede") and "brown" in cat.colours and rng.random() < 0.6:
                    colour = rng.choice(("brown", "brown", "black"))  # leather mostly comes in browns and black
                    shade = rng.choice(SHADES[colour])
                feature = rng.choice(cat.features)
                price = _price(rng, *pt.price)
                # leather and premium materials cost more, as in real shops
                if material in ("Leather", "Silk", "Cashmere", "Marble", "Walnut", "Carbon", "Titanium", "Copper"):
                    price = round(min(price * 1.35, pt.price[1] * 1.2), 0) - 0.01
                model = ""
                if cat.coded:
                    line = rng.choice(cat.lines)
                    while True:
                        code = f"{brand[:2].upper()}-{rng.randint(100, 9899)}"
                        if code not in codes:
                            codes.add(code)
                            break
                    model = code
                    title = f"{brand} {line} {pt.name} ({code}), {shade}"
                else:
                    mat = f"{material} " if rng.random() < 0.75 else ""
                    title = f"{brand} {mat}{pt.name}, {shade}"
                sentences = [
                    s.format(material=material.lower(), shade=shade.lower(), brand=brand, feature=feature)
                    for s in pt.blurb
                ]
                sentences = [s[0].upper() + s[1:] for s in sentences]
                if pt.synonyms and rng.random() < 0.25:
                    syn = rng.choice(pt.synonyms)
                    article = "an" if syn[0] in "aeiou" else "a"
                    sentences.append(
                        f"Also known as {article} {syn}."
                        if rng.random() < 0.5
                        else f"The {syn} you will reach for every day."
                    )
                sentences.append(rng.choice(FILLER))
                if rng.random() < 0.5:
                    sentences.append(rng.choice(FILLER))
                products.append(
                    Product(
                        id=f"P{n:05d}",
                        title=title,
                        description=" ".join(sentences),
                        category=cat.name,
                        department=cat.department,
                        type=pt.name,
                        brand=brand,
                        colour=colour,
                        shade=shade,
                        material=material,
                        price=price,
                        model=model,
                    )
                )
    rng.shuffle(products)
    return products


# ----------------------------------------------------------------------------------------------------- queries


@dataclass(frozen=True)
class Q:
    query: str
    kind: str  # exact | synonym | typo | filtered | natural
    types: tuple[str, ...] = ()
    category: str | None = None
    colour: str | None = None
    brand: str | None = None
    material: str | None = None
    max_price: float | None = None
    min_price: float | None = None
    model: str | None = None

    def matches(self, p: Product) -> bool:
        return (
            (not self.types or p.type in self.types)
            and (self.category is None or p.category == self.category)
            and (self.colour is None or p.colour == self.colour)
            and (self.brand is None or p.brand == self.brand)
            and (self.material is None or p.material == self.material)
            and (self.max_price is None or p.price <= self.max_price)
            and (self.min_price is None or p.price >= self.min_price)
            and (self.model is None or p.model == self.model)
        )


SOFA = ("3-Seat Sofa", "Sectional Sofa", "Loveseat", "Sleeper Sofa")
EARBUDS = ("Wireless Earbuds",)
HEADPHONES = ("Over-Ear Headphones", "Wireless Earbuds", "Noise Cancelling Headphones")
LAPTOPS = ("Laptop", "Gaming Laptop", "2-in-1 Laptop")
DRESSES = ("Maxi Dress", "Midi Dress", "Cocktail Dress", "Wrap Dress", "Sundress")

BASE_QUERIES: tuple[Q, ...] = (
    # synonyms: what shoppers type is not what the titles say
    Q("couch", "synonym", types=SOFA),
    Q("corner couch", "synonym", types=("Sectional Sofa",)),
    Q("sofa bed", "synonym", types=("Sleeper Sofa",)),
    Q("sneakers", "synonym", types=("Running Shoes",)),
    Q("rucksack for school", "synonym", types=("Backpack",)),
    Q("cell phone", "synonym", types=("Smartphone",)),
    Q("television", "synonym", types=("55-Inch 4K TV", "65-Inch OLED TV")),
    Q("coffee maker", "synonym", types=("Espresso Machine",)),
    Q("skillet", "synonym", types=("Frying Pan",)),
    Q("hand weights", "synonym", types=("Adjustable Dumbbells",)),
    Q("head torch", "synonym", types=("Headlamp",)),
    Q("notebook computer", "synonym", types=("Laptop",)),
    Q("e-bike", "synonym", types=("Electric Bike",)),
    Q("party dress", "synonym", types=("Cocktail Dress",)),
    Q("jumper", "synonym", types=("Sweater",)),
    Q("spin bike", "synonym", types=("Exercise Bike",)),
    Q("nightstand", "synonym", types=("Side Table",)),
    Q("earphones", "synonym", types=EARBUDS),
    Q("winter coat", "synonym", types=("Parka",)),
    Q("luggage", "synonym", types=("Carry-On Suitcase",)),
    # misspellings and word forms: exact terms miss, character n-grams and subwords catch them
    Q("leathr sofa", "typo", types=SOFA, material="Leather"),
    Q("headphnes", "typo", types=HEADPHONES),
    Q("backpak", "typo", types=("Backpack",)),
    Q("mirorless camera", "typo", types=("Mirrorless Camera",)),
    Q("expresso machine", "typo", types=("Espresso Machine",)),
    Q("dumbells", "typo", types=("Adjustable Dumbbells",)),
    Q("smartwatches", "typo", types=("Smartwatch",)),
    Q("treadmil", "typo", types=("Treadmill",)),
    # structured filters: colour families, price limits
    Q("red dress under $100", "filtered", types=DRESSES, colour="red", max_price=100),
    Q("cheap red dress for wedding", "filtered", types=("Cocktail Dress",), colour="red", max_price=100),
    Q("brown leather couch under $1000", "filtered", types=SOFA, colour="brown", material="Leather", max_price=1000),
    Q("black leather jacket under $300", "filtered", types=("Leather Jacket",), colour="black", max_price=300),
    Q("laptop under $800", "filtered", types=LAPTOPS, max_price=800),
    Q("blue sofa between $500 and $1000", "filtered", types=SOFA, colour="blue", min_price=500, max_price=1000),
    Q("white running shoes under 80", "filtered", types=("Running Shoes",), colour="white", max_price=80),
    Q("grey office chair under $200", "filtered", types=("Office Chair",), colour="grey", max_price=200),
    Q("green yoga mat", "filtered", types=("Yoga Mat",), colour="green"),
    Q("grey smartwatch under $300", "filtered", types=("Smartwatch",), colour="grey", max_price=300),
    Q("pink handbag under $150", "filtered", types=("Handbag",), colour="pink", max_price=150),
    Q("black headphones below 100", "filtered", types=HEADPHONES, colour="black", max_price=100),
    Q("red kettle", "filtered", types=("Electric Kettle",), colour="red"),
    Q("blue jeans under $60", "filtered", types=("Jeans",), colour="blue", max_price=60),
    Q("grey armchair over $300", "filtered", types=("Armchair",), colour="grey", min_price=300),
    Q("orange camping tent", "filtered", types=("Camping Tent",), colour="orange"),
    # plain language
    Q("waterproof jacket for hiking", "natural", types=("Raincoat",)),
    Q("comfortable chair for working from home", "natural", types=("Office Chair",)),
    Q("something to make smoothies", "natural", types=("Blender",)),
    Q("headphones for flights", "natural", types=("Noise Cancelling Headphones",)),
    Q("bed for kids sharing a room", "natural", types=("Bunk Bed",)),
    Q("light for reading at my desk", "natural", types=("Desk Lamp",)),
    Q("pan for stews and baking bread", "natural", types=("Dutch Oven",)),
    Q("bike with a battery", "natural", types=("Electric Bike",)),
)


def exact_queries(products: list[Product], rng: random.Random) -> list[Q]:
    """Model codes and brand + product queries: rare exact terms that a bag of words rewards."""
    coded = sorted((p for p in products if p.model), key=lambda p: p.id)
    out: list[Q] = []
    for p in rng.sample(coded, 8):
        out.append(Q(p.model, "exact", model=p.model))
    for brand, ptype, text in (
        ("Sonora", "Wireless Earbuds", "Sonora wireless earbuds"),
        ("Voltix", "Laptop", "Voltix laptop"),
        ("Culina", "Blender", "Culina blender"),
        ("Norrland", "Armchair", "Norrland armchair"),
        ("Stormline", "Raincoat", "Stormline raincoat"),
        ("Ridgeway", "Mountain Bike", "Ridgeway mountain bike"),
        ("Atlas Carry", "Duffel Bag", "Atlas Carry duffel bag"),
        ("Kinfolk Denim", "Jeans", "Kinfolk Denim jeans"),
    ):
        out.append(Q(text, "exact", types=(ptype,), brand=brand))
    return out


# ------------------------------------------------------------------------------------------------------- users

FIRST = ["Ada", "Ben", "Chloe", "Dev", "Elif", "Farid", "Grace", "Hugo", "Ines", "Jon", "Kemi", "Lars", "Mei", "Nora",
         "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tara", "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zoe", "Aiko",
         "Bruno", "Carla", "Dmitri"]  # fmt: skip


def make_users(products: list[Product], rng: random.Random) -> dict[str, Any]:
    by_cat: dict[str, list[Product]] = {}
    for p in products:
        by_cat.setdefault(p.category, []).append(p)
    users: dict[str, Any] = {}
    cats = [c.name for c in CATEGORIES]
    for i, name in enumerate(FIRST, start=1):
        uid = f"user-{i:03d}"
        pref_cats = rng.sample(cats, rng.randint(1, 3))
        brands = sorted({b for c in CATEGORIES if c.name in pref_cats for b in c.brands})
        pref_brands = rng.sample(brands, min(len(brands), rng.randint(1, 2)))
        pref_colours = rng.sample(sorted(SHADES), rng.randint(1, 2))
        budget = rng.choice([(0, 100), (0, 300), (50, 800), (200, 3000), (0, 10000)])
        pool = [p for c in pref_cats for p in by_cat[c]]
        liked = [
            p
            for p in pool
            if (p.brand in pref_brands or p.colour in pref_colours) and budget[0] <= p.price <= budget[1]
        ] or pool
        history = sorted(p.id for p in rng.sample(liked, min(len(liked), rng.randint(4, 12))))
        users[uid] = {
            "id": uid,
            "name": name,
            "preferred_categories": pref_cats,
            "preferred_brands": pref_brands,
            "preferred_colours": pref_colours,
            "min_price": float(budget[0]),
            "max_price": float(budget[1]),
            "history": history,
        }
    return users


# -------------------------------------------------------------------------------------------------------- write


def build() -> dict[Path, bytes]:
    rng = random.Random(SEED)
    products = make_products(rng)
    catalog = "".join(json.dumps(p.public(), ensure_ascii=False, sort_keys=True) + "\n" for p in products)
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, filename="") as gz:
        gz.write(catalog.encode("utf-8"))
    users = make_users(products, rng)
    queries = list(BASE_QUERIES) + exact_queries(products, rng)
    lines = []
    empty = [q.query for q in queries if not any(q.matches(p) for p in products)]
    if empty:
        raise SystemExit(f"queries with no relevant product (change them or the generator): {empty}")
    for q in queries:
        relevant = sorted(p.id for p in products if q.matches(p))
        lines.append(json.dumps({"query": q.query, "kind": q.kind, "relevant": relevant}, ensure_ascii=False))
    user_ids = sorted(users)
    traffic = [
        json.dumps({"query": q.query, "userId": user_ids[i % len(user_ids)]}, ensure_ascii=False)
        for i, q in enumerate(queries)
    ]
    return {
        TRAFFIC: ("\n".join(traffic) + "\n").encode("utf-8"),
        CATALOG: buf.getvalue(),
        USERS: (json.dumps(users, indent=1, ensure_ascii=False) + "\n").encode("utf-8"),
        QUERIES: ("\n".join(lines) + "\n").encode("utf-8"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="fail if the committed files are out of date")
    args = parser.parse_args(argv)
    files = build()
    stale = [p for p, data in files.items() if not p.exists() or p.read_bytes() != data]
    if args.check:
        for p in stale:
            print(f"out of date: {p.relative_to(ROOT)}", file=sys.stderr)
        return 1 if stale else 0
    for p, data in files.items():
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        print(f"wrote {p.relative_to(ROOT)} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
