"""Generate the labelled evaluation set for contact matching: clients, Xero contacts, and which
contact (if any) is each client's.

    .venv/bin/python bench/match_data.py [--clients 2000] [--contacts 5500] [--seed 7]
        [--out bench/data]

writes `match_eval.csv` (one row per client: client_reference, client_name, client_email,
correct_contact_id, variation, trap, archived_match, evidence) and `match_contacts.csv` (one row
per Xero contact: contact_id, name, email, contact_number, account_number, status, and two
label columns the matcher never sees: role and for_client).

Names are UK small businesses and sole traders built from word lists (surnames and first names
weighted by how common they are, trades, places, brand words, pubs and cafes), so that words
like Services, Property or Smith are about as common as in a real ledger. Each client that is
in Xero gets its contact's name by one realistic variation, in fixed shares (`VARIATIONS`); 15%
of the clients are absent from Xero, most of them with a confusable contact planted (`TRAPS`);
some present clients have a near-identical second business or an archived old copy next to
theirs; some have only an archived contact (labelled empty: nothing linkable). Thousands of
unrelated contacts fill the rest. See bench/README.md, "Contact matching".

The same seed and sizes give the same files, byte for byte. Standard library only.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import unicodedata
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
EVAL_FILE = "match_eval.csv"
CONTACTS_FILE = "match_contacts.csv"

EVAL_COLUMNS = (
    "client_reference",
    "client_name",
    "client_email",
    "correct_contact_id",
    "variation",
    "trap",
    "archived_match",
    "evidence",
)
CONTACT_COLUMNS = (
    "contact_id",
    "name",
    "email",
    "contact_number",
    "account_number",
    "status",
    "role",
    "for_client",
)

# -- shares --------------------------------------------------------------------------------------

#: What becomes of each client, in shares of all clients.
STATUS = {"present": 82.0, "absent": 15.0, "archived_only": 3.0}

#: How the contact's name differs from the client's, in shares of the clients with a contact
#: (the archived-only ones too).
VARIATIONS = {
    "identical": 14.0,
    "case": 7.0,
    "suffix": 10.0,
    "ampersand": 5.0,
    "the": 4.0,
    "abbreviation": 6.0,
    "truncation": 6.0,
    "typo": 8.0,
    "word_order": 5.0,
    "missing_extra_word": 7.0,
    "uk": 3.0,
    "trading_as": 5.0,
    "accent": 3.0,
    "punctuation": 5.0,
    "combined": 12.0,  # two of the string variations at once: CITY LIMO for City Limousines Ltd
}

#: For clients absent from Xero: the confusable contact planted, in shares of the absent ones.
TRAPS = {
    "same_surname_other_trade": 13.0,  # Hughes Plumbing / Hughes Roofing Ltd
    "same_trade_other_surname": 11.0,  # Hughes Plumbing / Walsh Plumbing
    "one_letter_name": 15.0,  # Jon Smith / John Smith, Clark Roofing / Clarke Roofing
    "extra_trade": 10.0,  # Smith Plumbing / Smith Plumbing & Heating
    "other_first_name": 11.0,  # Amelia Hughes / Oliver Hughes
    "other_place": 7.0,  # Bristol Roofing / Bath Roofing
    "holdings": 5.0,  # Kestrel Consulting Ltd / Kestrel Consulting Holdings Ltd
    "son_sons": 5.0,  # Hughes & Son / Hughes & Sons Ltd
    "none": 23.0,  # nothing planted: only the unrelated contacts
}

#: For present clients: a near-identical second business next to theirs (share of present).
TWIN_SHARE = 6.0
TWINS = ("son_sons", "one_letter_name", "other_first_name", "holdings", "extra_trade")
#: For present clients: an archived old copy of their contact next to the active one.
ARCHIVED_COPY_SHARE = 5.0

# -- vocabulary ----------------------------------------------------------------------------------


def _split_words(text: str) -> list[str]:
    return text.split()


#: Common surnames in Great Britain, most common first (roughly).
SURNAMES = _split_words("""Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson
Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner
Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips
Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey
Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams Singh Begum
Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali Hunt Hussain Campbell Matthews Owen
Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon
Harvey Graham Pearson Ahmed Fletcher Walsh Kaur Gibson Howard Andrews Stewart Elliott Reynolds
Saunders Payne Fox Ford Pearce Day Brooks West Lawrence Cole Atkinson Bradley Spencer Gill Dawson
Ball Burton O'Brien Watts Rose Booth Perry Ryan Grant Wells Armstrong Francis Rees Hayes Hart Hudson
Newman Barrett Webster Hunter Gregory Carr Lowe Page Marsh Riley Dunn Woods Parsons Berry Stone Reid
Holland Hawkins Harding Porter Robertson Newton Oliver Reed Kennedy Williamson Bird Gardner Shah
Dean Lane Cooke Bates Henderson Parry Burgess Bishop Walton Burns Nicholson Shepherd Ross Cross Long
Freeman Warren Nicholls Hamilton Byrne Sutton McDonald Yates Hodgson Robson Curtis Hopkins O'Connor
Harper Coleman Watkins Moss McCarthy Chambers O'Neill Griffin Sharp Hardy Wheeler Potter Osborne
Johnston Gordon Doyle Wallace George Jordan Hutchinson Rowe Burke May Pritchard Gilbert Willis
Higgins Read Miles Stevenson Stephenson Hammond Arnold Buckley Walters Hewitt Barber Nelson Slater
Austin Sullivan Whitehead Mann Frost Lambert Stephens Blake Akhtar Lynch Goodwin Barton Woodward
Thomson Cunningham Quinn Barnett Baxter Clayton Nash Greenwood Jennings Holt Kemp Poole Gallagher
Bond Stokes Tucker Davidson Fowler Heath Norman Middleton Lawson Banks French Stanley Jarvis Gibbs
Ferguson Hayward Carroll Farrell Chauhan Mistry Choudhury Rahman""")

#: Less common surnames, drawn from the long tail with the made-up ones below.
RARE_SURNAMES = _split_words("""Okafor Adeyemi Mensah Okonkwo Boateng Kowalski Nowak Wisniewski Chen Wong Nguyen
Tran Li Zhang Rossi Bianchi Silva Fernandes D'Souza Pereira Papadopoulos Yilmaz Demir MacLeod
McKenzie MacDonald Fitzgerald O'Sullivan O'Reilly McLaughlin Muller Bronte Llewellyn Pritchett
Vaughan Trevithick Penrose Tregarthen Kinnear Drummond Lockhart Abernethy Fairbairn Haldane Sinclair
Kowalczyk Lewandowski Varga Horvath Novak Costa Moreno Garcia Lopez Haddad Nasser Kapoor Mehta
Joshi Desai Iyer Nair Reddy Gupta Sharma Malik Qureshi Siddiqui Begg Osei Asante Danso Achebe
Eze Obi Balogun Afolabi Akhtar Chowdhury Miah Uddin Bhatt Sandhu Dhillon Gill Bains Sidhu Grewal""")

#: More real surnames of the long tail (many from the north of England).
RARE_SURNAMES += _split_words("""Ashworth Bradshaw Whitfield Thornton Holbrook Bromley Hatherley
Wentworth Atherton Halford Bentley Calder Clifford Cranfield Dalton Elmore Fairfax Farnham
Goldsmith Greenhalgh Hartley Henley Kirkby Langley Lindley Lockwood Marley Midgley Morley Newbold
Norcross Oakley Pickford Radcliffe Redfern Rossiter Salter Shelton Shirley Stainton Stanton
Sudbury Talbot Templeton Walford Warburton Westwood Winfield Worsley Yardley Ackroyd Ainsworth
Allsop Appleby Arkwright Ashby Aspinall Astley Aldridge Bagshaw Bainbridge Balfour Barraclough
Beckett Bellamy Blackburn Blackwell Blundell Bostock Bowden Bramley Brereton Brierley Broughton
Buckingham Bunting Burrows Butterworth Cartwright Catchpole Chadwick Charlton Chatterton Clegg
Clifton Cockburn Copeland Cotterill Crabtree Cresswell Crowther Dalby Darby Dearden Denby Dobson
Dransfield Duckworth Eastwood Eccles Entwistle Fairclough Fairhurst Farrar Fenwick Firth
Fothergill Garside Gledhill Goodall Greaves Grimshaw Haigh Halliwell Hanson Hargreaves Haworth
Heaton Hepworth Hindle Hirst Holroyd Horsfall Hollingworth Ibbotson Ingham Illingworth Kershaw
Kitching Leadbetter Lister Littlewood Mallinson Marsden Mellor Metcalfe Moorhouse Mottram Nuttall
Oldroyd Openshaw Ormerod Pickles Pilling Platt Priestley Pollard Ramsbottom Rawlinson Redman Rhodes
Ridley Rigby Rushworth Scholes Schofield Shackleton Sharples Shuttleworth Sowerby Stansfield
Sugden Sutcliffe Swales Tattersall Thackeray Tillotson Threlfall Townend Uttley Wadsworth
Wainwright Walmsley Wardle Whiteley Whitworth Wilde Winstanley Woodhead Wrigley Beresford
Blackmore Boswell Bracewell Cornwell Dunstan Eldridge Fairweather Fenton Gosling Hadley
Hammersley Hatfield Hawthorne Hemming Kingsley Lomax Lovell Maddox Manning Merriman Nettleton
Northcott Pemberton Penhaligon Radford Rowland Sedgwick Selby Sheldon Standish Tennant Thorpe
Treharne Tremayne Trelawney Underwood Verity Whitaker Whitmore Wolstenholme Yeoman""")

#: Toponymic parts: Ash+worth, Brad+ley, Whit+field... make the long tail of surnames.
SURNAME_HEADS = _split_words("""Ash Brad Whit Thorn Hol Brom Hather Hal Bent Bur Cal Cliff Cran
Dal Dun Elm Fair Farn Gold Green Ham Hart Hay Hen Kirk Lang Lin Lock Mar Mid Mor New Nor Oak Pen
Pick Rad Red Rock Ross Sal Shel Stan Tal Wal War Wes Wick Win Wor""")
SURNAME_TAILS = _split_words("ley ton worth field ham by well ford wood hurst shaw dale wick bury")

#: First names across the ages of business owners, most common first (roughly). Jon/John-style
#: pairs are in NAME_PAIRS.
FIRST_NAMES = _split_words("""David Paul Mark Andrew James Richard Michael John Peter Stephen Robert
Christopher Ian Simon Oliver George Thomas William Daniel Matthew Jack Harry Charlie Joseph Samuel
Benjamin Edward Alexander Gary Kevin Neil Martin Graham Stuart Colin Keith Alan Brian Carl Darren
Lee Craig Dean Wayne Jason Anthony Jonathan Nicholas Patrick Sean Liam Ryan Jamie Ben Tom Sam Adam
Luke Nathan Joshua Jacob Noah Leo Oscar Henry Archie Freddie Ethan Isaac Max Arthur Lucas Mohammed
Theo Harrison Mason Sebastian Finley Dylan Zachary Riley Toby Elijah Sarah Emma Laura Rebecca Hannah
Rachel Claire Helen Nicola Louise Karen Julie Susan Alison Joanne Kelly Lisa Michelle Amanda Victoria
Katie Lucy Amy Charlotte Gemma Natalie Jennifer Samantha Catherine Elizabeth Margaret Anne Jane Mary
Amelia Olivia Isla Ava Emily Sophia Grace Mia Poppy Ella Lily Evie Isabella Sophie Ivy Freya Harper
Willow Jessica Daisy Florence Ruby Chloe Zoe Priya Aisha Fatima Amir Raj Sanjay Anil Deepak Wei Mei
Chidi Ngozi Kwame Tomasz Piotr Agnieszka Marek Giorgio Sofia Jose Renee Noel Siobhan Niamh Ciaran
Declan Eilidh Rhys Gareth Dafydd Bethan Megan Sian Andre Francois""")

#: Two real, different names one letter apart: the hardest negatives.
NAME_PAIRS = (
    ("first", "Jon", "John"),
    ("first", "Ann", "Anne"),
    ("first", "Sara", "Sarah"),
    ("first", "Carl", "Karl"),
    ("first", "Alan", "Allan"),
    ("first", "Brian", "Bryan"),
    ("first", "Neil", "Neal"),
    ("first", "Mathew", "Matthew"),
    ("first", "Philip", "Phillip"),
    ("first", "Clare", "Claire"),
    ("first", "Marc", "Mark"),
    ("first", "Dean", "Sean"),
    ("first", "Gary", "Garry"),
    ("first", "Eric", "Erik"),
    ("surname", "Clark", "Clarke"),
    ("surname", "Davis", "Davies"),
    ("surname", "Thomson", "Thompson"),
    ("surname", "Philips", "Phillips"),
    ("surname", "Reid", "Reed"),
    ("surname", "Gray", "Grey"),
    ("surname", "Mathews", "Matthews"),
    ("surname", "Simons", "Simmons"),
    ("surname", "Brown", "Browne"),
    ("surname", "Green", "Greene"),
    ("surname", "Cook", "Cooke"),
    ("surname", "Wood", "Woods"),
    ("surname", "Parks", "Parkes"),
    ("surname", "Walsh", "Welsh"),
    ("surname", "Harris", "Harries"),
    ("surname", "Stevens", "Stephens"),
)

#: Trades and kinds of business, with how often they appear (weights). Generic words are weighted
#: to be about as common as in UK company names: Services in about 6% of the business names,
#: Property/Properties about 5%, Consulting/Consultancy about 4%, Holdings about 2.5%.
TRADES: tuple[tuple[str, float], ...] = (
    ("Services", 2.5),
    ("Building Services", 1.0),
    ("Property Services", 0.8),
    ("Cleaning Services", 1.0),
    ("Electrical Services", 0.7),
    ("Plumbing Services", 0.5),
    ("Care Services", 0.6),
    ("Maintenance Services", 0.6),
    ("Financial Services", 0.6),
    ("IT Services", 0.6),
    ("Garden Services", 0.4),
    ("Catering Services", 0.4),
    ("Security Services", 0.4),
    ("Business Services", 0.4),
    ("Property", 2.0),
    ("Properties", 3.0),
    ("Property Management", 0.8),
    ("Property Lettings", 0.5),
    ("Property Developments", 0.8),
    ("Property Investments", 0.8),
    ("Consulting", 3.5),
    ("Consultancy", 2.0),
    ("Consultants", 0.6),
    ("Holdings", 3.0),
    ("Solutions", 2.5),
    ("IT Solutions", 0.8),
    ("Digital Solutions", 0.5),
    ("Group", 1.5),
    ("International", 1.2),
    ("Trading", 1.5),
    ("Enterprises", 0.8),
    ("Ventures", 0.8),
    ("Investments", 1.2),
    ("Developments", 1.0),
    ("Construction", 2.2),
    ("Builders", 1.2),
    ("Building", 0.8),
    ("Building & Roofing", 0.4),
    ("Roofing", 1.0),
    ("Plumbing", 1.2),
    ("Plumbing & Heating", 1.0),
    ("Heating", 0.5),
    ("Electrical", 1.2),
    ("Electrics", 0.4),
    ("Joinery", 0.8),
    ("Carpentry", 0.5),
    ("Plastering", 0.5),
    ("Decorating", 0.4),
    ("Painting & Decorating", 0.6),
    ("Tiling", 0.4),
    ("Flooring", 0.5),
    ("Landscaping", 0.7),
    ("Landscapes", 0.3),
    ("Gardening", 0.4),
    ("Tree Surgery", 0.3),
    ("Fencing", 0.3),
    ("Scaffolding", 0.4),
    ("Glazing", 0.3),
    ("Windows", 0.4),
    ("Kitchens", 0.5),
    ("Bathrooms", 0.3),
    ("Interiors", 0.6),
    ("Removals", 0.4),
    ("Haulage", 0.5),
    ("Logistics", 1.0),
    ("Transport", 0.7),
    ("Couriers", 0.3),
    ("Taxis", 0.4),
    ("Cars", 0.4),
    ("Motors", 0.7),
    ("Motor Repairs", 0.3),
    ("Garage", 0.4),
    ("Car Sales", 0.3),
    ("Vehicle Hire", 0.2),
    ("Limousines", 0.2),
    ("Coaches", 0.2),
    ("Driving School", 0.3),
    ("Cleaning", 0.8),
    ("Window Cleaning", 0.3),
    ("Laundry", 0.2),
    ("Catering", 0.6),
    ("Bakery", 0.4),
    ("Butchers", 0.3),
    ("Deli", 0.3),
    ("Cafe", 0.6),
    ("Bistro", 0.2),
    ("Restaurant", 0.4),
    ("Fish & Chips", 0.2),
    ("Pizzeria", 0.2),
    ("Patisserie", 0.15),
    ("Creperie", 0.1),
    ("Tea Rooms", 0.2),
    ("Brewery", 0.3),
    ("Wines", 0.3),
    ("Distillery", 0.2),
    ("Florist", 0.3),
    ("Hair Salon", 0.4),
    ("Hair & Beauty", 0.5),
    ("Barbers", 0.4),
    ("Beauty", 0.4),
    ("Nails", 0.2),
    ("Fitness", 0.5),
    ("Personal Training", 0.3),
    ("Yoga", 0.2),
    ("Physio", 0.3),
    ("Physiotherapy", 0.3),
    ("Osteopathy", 0.15),
    ("Dental", 0.5),
    ("Dental Practice", 0.3),
    ("Opticians", 0.2),
    ("Pharmacy", 0.3),
    ("Veterinary Surgery", 0.2),
    ("Vets", 0.2),
    ("Care", 0.5),
    ("Home Care", 0.4),
    ("Day Nursery", 0.4),
    ("Nursery", 0.3),
    ("Childcare", 0.3),
    ("Tutoring", 0.3),
    ("Photography", 0.5),
    ("Design", 1.2),
    ("Graphic Design", 0.3),
    ("Media", 1.0),
    ("Marketing", 1.0),
    ("Digital", 0.8),
    ("Software", 0.8),
    ("Technology", 0.6),
    ("Web Design", 0.3),
    ("Printing", 0.3),
    ("Signs", 0.2),
    ("Architects", 0.4),
    ("Surveyors", 0.3),
    ("Estate Agents", 0.4),
    ("Lettings", 0.4),
    ("Accountancy", 0.4),
    ("Legal", 0.3),
    ("Engineering", 1.0),
    ("Fabrications", 0.3),
    ("Welding", 0.2),
    ("Manufacturing", 0.4),
    ("Imports", 0.3),
    ("Wholesale", 0.3),
    ("Supplies", 0.5),
    ("Farms", 0.4),
    ("Farming", 0.3),
    ("Equestrian", 0.2),
    ("Dog Grooming", 0.2),
    ("Events", 0.6),
    ("Weddings", 0.2),
    ("Entertainment", 0.3),
    ("Music", 0.3),
    ("Studio", 0.4),
    ("Productions", 0.4),
    ("Publishing", 0.2),
    ("Travel", 0.4),
    ("Holiday Lets", 0.3),
    ("Recruitment", 0.6),
    ("Training", 0.6),
    ("Translations", 0.1),
    ("Healthcare", 0.5),
    ("Medical", 0.4),
    ("Jewellers", 0.2),
    ("Antiques", 0.2),
    ("Furniture", 0.3),
    ("Upholstery", 0.2),
    ("Carpets", 0.2),
    ("Gifts", 0.2),
    ("Clothing", 0.3),
    ("Boutique", 0.2),
    ("Cycles", 0.2),
    ("Marine", 0.3),
    ("Energy", 0.5),
    ("Solar", 0.3),
    ("Environmental", 0.3),
    ("Skip Hire", 0.2),
    ("Pest Control", 0.2),
    ("Drainage", 0.2),
    ("Locksmiths", 0.2),
    ("Fire Protection", 0.2),
    ("Telecoms", 0.3),
    ("Networks", 0.3),
    ("Analytics", 0.2),
)
#: Trades a sole trader named after themselves would have (Amelia Hughes Photography).
PERSON_TRADE_PHRASES = (
    "Photography",
    "Design",
    "Consulting",
    "Consultancy",
    "Physiotherapy",
    "Tutoring",
    "Plumbing",
    "Electrical",
    "Joinery",
    "Plastering",
    "Decorating",
    "Landscaping",
    "Cleaning",
    "Catering",
    "Fitness",
    "Yoga",
    "Hair",
    "Hair & Beauty",
    "Interiors",
    "Architects",
    "Marketing",
    "Music",
    "Training",
    "Dog Grooming",
    "Personal Training",
    "Driving School",
    "Bookkeeping",
    "Counselling",
)
#: Words that make a second trade: Smith Plumbing against Smith Plumbing & Heating.
EXTRA_TRADES = {
    "Plumbing": "Heating",
    "Building": "Roofing",
    "Roofing": "Building",
    "Hair": "Beauty",
    "Painting": "Decorating",
    "Carpentry": "Joinery",
    "Joinery": "Carpentry",
    "Kitchens": "Bathrooms",
    "Cleaning": "Maintenance",
    "Electrical": "Security",
    "Bakery": "Cafe",
    "Landscaping": "Fencing",
    "Windows": "Doors",
    "Catering": "Events",
    "Fencing": "Decking",
    "Plastering": "Rendering",
    "Glazing": "Windows",
    "Removals": "Storage",
    "Tiling": "Flooring",
    "Heating": "Plumbing",
}
PLACES = [
    *_split_words("""London Bristol Bath Leeds York Manchester Liverpool Birmingham Sheffield Nottingham
Leicester Derby Coventry Oxford Cambridge Norwich Ipswich Colchester Chelmsford Brighton Hove Exeter
Plymouth Truro Taunton Bournemouth Poole Southampton Portsmouth Winchester Salisbury Reading Swindon
Cheltenham Gloucester Worcester Hereford Shrewsbury Chester Stockport Bolton Wigan Preston Blackpool
Lancaster Kendal Carlisle Durham Newcastle Sunderland Hull Lincoln Peterborough Bedford Luton
Watford Guildford Woking Croydon Kingston Richmond Ealing Camden Islington Hackney Greenwich
Canterbury Maidstone Dover Ashford Hastings Eastbourne Chichester Horsham Crawley Basingstoke
Newbury Northampton Kettering Stamford Grantham Harrogate Whitby Scarborough Ilkley Skipton
Halifax Huddersfield Wakefield Doncaster Rotherham Barnsley Cardiff Swansea Newport Wrexham Bangor
Aberystwyth Edinburgh Glasgow Aberdeen Dundee Inverness Perth Stirling Belfast Yorkshire Cotswold
Pennine Chiltern Cornwall Devon Dorset Somerset Kent Sussex Surrey Essex Norfolk Suffolk Cheshire
Lancashire Cumbria Northumbria Highland Solent Severn Mersey Wessex Mercia Anglia Lakeland Fenland
Wealden Mendip Malvern Tamar Avon Tyne Wear Trent Thames Medway Clyde Forth Tay"""),
    "Thames Valley",
    "North West",
    "North East",
    "South West",
    "South East",
    "East Midlands",
    "West Midlands",
    "Milton Keynes",
    "Tunbridge Wells",
    "Peak District",
    "St Albans",
    "St Ives",
    "St Helens",
    "St Austell",
    "Forest of Dean",
    "Isle of Wight",
]
ADJECTIVES = _split_words("""Blue Red Green Golden Silver Black White Little Old New Bright Clear Swift
Smart First Prime Royal Grand True Wild Happy Lucky Cosy Urban Rural Coastal Northern Southern
Western Eastern Premier Elite Classic Modern Simple Pure Fresh Crystal Honest Good Better Big
Clever Quick Green""")
NOUNS = _split_words("""Oak Willow Birch Cedar Maple Rowan Elm Holly Ivy Fern Heather Thistle Acorn Kestrel
Falcon Hawk Robin Wren Swallow Heron Otter Badger Fox Hare Stag Lion Anchor Beacon Lighthouse
Harbour Bridge Castle Tower Forge Mill Barn Orchard Meadow Valley Ridge Summit Peak River Brook
Lake Stone Flint Granite Copper Iron Star Sun Moon Arrow Compass Crown Key Door Gate Kite Leaf Rose
Lotus Phoenix Apex Vertex Zenith Nova Atlas Orbit Pixel Spark Bluebell Foxglove Skylark Osprey
Puffin Kingfisher Lantern Quill Keystone Cornerstone Evergreen Hillside Riverside Woodland
Seaview Parkside Greenfield Springfield Highfield Brookside Moorland Marsh Dune Tide Harvest
Saffron Juniper Hazel Aspen Cobalt Indigo Amber Ruby Sapphire Emerald Onyx Obsidian""")
TREES = _split_words(
    "Oak Willow Birch Cedar Maple Rowan Elm Holly Apple Cherry Chestnut Walnut Yew"
)
VENUES = (
    "Red Lion",
    "White Hart",
    "Kings Head",
    "Royal Oak",
    "Green Man",
    "Plough",
    "Swan",
    "Black Horse",
    "Rose & Crown",
    "Fox & Hounds",
    "Coach House",
    "Old Forge",
    "Bakehouse",
    "Coffee House",
    "Garden Room",
    "Tea Room",
    "Old Barn",
    "Granary",
    "Old Dairy",
    "Stables",
    "Boathouse",
    "Old Post Office",
    "Corner House",
    "Mill House",
    "Wheatsheaf",
    "Crown & Anchor",
    "Old Vicarage",
    "Potting Shed",
    "Little Kitchen",
    "Pantry",
)
VENUE_TAILS = ("", "", "", "Cafe", "Kitchen", "Bistro", "Inn", "Deli", "Bar", "Tea Rooms")
STREETS_LIST = _split_words(
    "High Church Market Station Mill Castle Bridge King Queen Park North George Victoria"
)
SPORTS = _split_words("Cricket Rugby Football Tennis Golf Bowls Sailing Rowing Running Hockey")
PROFESSIONS = (
    "Solicitors",
    "Accountants",
    "Architects",
    "Surveyors",
    "Associates",
    "Partners",
    "Estate Agents",
    "Dental Practice",
    "Chartered Accountants",
)
POSSESSIVE_TRADES = (
    "Hair & Beauty",
    "Kitchen",
    "Cafe",
    "Bakery",
    "Nails",
    "Cleaning",
    "Dog Grooming",
    "Cakes",
    "Pizzeria",
    "Deli",
    "Barbers",
    "Florist",
    "Nursery",
)
SUPPLIERS = (
    "HMRC",
    "HM Revenue & Customs",
    "Companies House",
    "Xero (UK) Ltd",
    "Microsoft Ltd",
    "Amazon Business EU SARL",
    "BT Business",
    "Royal Mail Group Ltd",
    "Staples UK Ltd",
    "Regus Management (UK) Ltd",
    "Vodafone Ltd",
    "EE Ltd",
    "British Gas Business",
    "Octopus Energy Ltd",
    "Thames Water Utilities Ltd",
    "Google Ireland Ltd",
    "Adobe Systems Software Ireland Ltd",
    "Dropbox International Unlimited Co",
    "LinkedIn Ireland Unlimited Co",
    "Zoom Video Communications Inc",
    "Slack Technologies Ltd",
    "Apple Distribution International Ltd",
    "Dell Corporation Ltd",
    "Screwfix Direct Ltd",
    "Costa Ltd",
    "Pret A Manger (Europe) Ltd",
    "Trainline.com Ltd",
    "Avanti West Coast",
    "Uber Britannia Ltd",
    "Premier Inn Hotels Ltd",
    "ICAEW",
    "ACCA",
    "AAT",
    "Hiscox Underwriting Ltd",
    "Aviva Insurance Ltd",
    "Barclays Bank UK plc",
    "Lloyds Bank plc",
    "HSBC UK Bank plc",
    "NatWest",
    "Santander UK plc",
    "Sage (UK) Ltd",
    "Dext Software Ltd",
    "Intuit Ltd",
    "Iris Software Group Ltd",
    "CCH Software",
    "Capium Ltd",
    "Pensions Regulator",
    "NEST Corporation",
    "Information Commissioner's Office",
    "Council Tax - Leeds City Council",
    "Business Rates - Bristol City Council",
    "Post Office Ltd",
    "DPD Group UK Ltd",
    "Viking Direct",
    "Ryman Ltd",
    "WHSmith plc",
    "John Lewis plc",
    "Argos Ltd",
    "Currys plc",
    "Sainsbury's Supermarkets Ltd",
)

#: Legal forms, and a regular expression for a legal form at the end of a name.
_LEGAL_END = re.compile(
    r"\s+(Pty\.?\s+Ltd\.?|Pty\s+Limited|Ltd\.?|Limited|L\.?L\.?P\.?|plc|Inc\.?|Incorporated|"
    r"CIC|C\.I\.C\.|Community Interest Company)$",
    re.IGNORECASE,
)
_PERSONS = frozenset({"person", "person_ltd"})
_PERSON_NAMED = frozenset({"person", "person_ltd", "person_trade", "initials", "possessive"})


# -- one business --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Business:
    """A business as registered: its name, and what it was built from."""

    body: str  # the name without its legal form
    legal: str  # "Ltd", "Limited", "LLP", ... or ""
    template: str
    first: str = ""  # the person named in it, if any
    surname: str = ""
    trade: str = ""
    place: str = ""
    owner_first: str = ""  # who runs it (for email addresses and trading names)
    owner_surname: str = ""

    @property
    def name(self) -> str:
        return f"{self.body} {self.legal}" if self.legal else self.body


def _zipf(count: int, exponent: float) -> list[float]:
    return [1.0 / (rank**exponent) for rank in range(1, count + 1)]


def _tail_surnames() -> list[str]:
    known = set(SURNAMES)
    made = [head + tail for head in SURNAME_HEADS for tail in SURNAME_TAILS]
    names = [name for name in dict.fromkeys(RARE_SURNAMES + made) if name not in known]
    return names


class Vocabulary:
    """Weighted draws from the word lists (all draws go through the one rng)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        common = list(dict.fromkeys(SURNAMES))
        tail = _tail_surnames()
        # Smith is about 1.3% of people in Great Britain; the top 300 names about 30%.
        head_weights = [1.3 * w for w in _zipf(len(common), 0.6)]
        head_mass = sum(head_weights)
        tail_weight = (100.0 - head_mass) / len(tail)
        self.surnames = common + tail
        self.surname_cum = _cumulative(head_weights + [tail_weight] * len(tail))
        firsts = list(dict.fromkeys(FIRST_NAMES))
        self.firsts = firsts
        self.first_cum = _cumulative(_zipf(len(firsts), 0.5))
        self.trades = [trade for trade, _ in TRADES]
        self.trade_cum = _cumulative([weight for _, weight in TRADES])
        self.places = PLACES
        self.place_cum = _cumulative(_zipf(len(PLACES), 0.4))

    def surname(self) -> str:
        return self.rng.choices(self.surnames, cum_weights=self.surname_cum)[0]

    def first(self) -> str:
        return self.rng.choices(self.firsts, cum_weights=self.first_cum)[0]

    def trade(self) -> str:
        return self.rng.choices(self.trades, cum_weights=self.trade_cum)[0]

    def place(self) -> str:
        return self.rng.choices(self.places, cum_weights=self.place_cum)[0]


def _cumulative(weights: Sequence[float]) -> list[float]:
    total = 0.0
    out = []
    for weight in weights:
        total += weight
        out.append(total)
    return out


TEMPLATES: dict[str, float] = {
    "person": 15.0,  # Amelia Hughes
    "person_ltd": 5.0,  # Amelia Hughes Ltd
    "surname_trade": 15.0,  # Hughes Plumbing Ltd
    "person_trade": 6.0,  # Amelia Hughes Photography
    "family": 4.0,  # Hughes & Sons Ltd, Hughes Brothers Roofing
    "partnership": 5.0,  # Harris & Patel LLP
    "place_trade": 14.0,  # Bristol Roofing Ltd
    "brand": 21.0,  # Kestrel Consulting Ltd, Blue Door Design
    "venue": 5.0,  # The Old Forge Cafe
    "possessive": 3.0,  # Sarah's Hair & Beauty
    "initials": 3.0,  # JB Smith Electrical, JDK Plumbing
    "street": 1.0,  # High Street Dental
    "club": 2.0,  # Harrogate Cricket Club
}


class Maker:
    """Builds businesses; `pins` fix some of the parts (for traps and twins)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words = Vocabulary(rng)
        self.templates = list(TEMPLATES)
        self.template_cum = _cumulative(list(TEMPLATES.values()))

    def template(self) -> str:
        return self.rng.choices(self.templates, cum_weights=self.template_cum)[0]

    def legal(self, template: str) -> str:
        rng = self.rng
        draw = rng.random()
        if template == "person":
            return ""
        if template == "person_ltd":
            return "Ltd" if draw < 0.8 else "Limited"
        if template == "partnership":
            return "LLP" if draw < 0.4 else "" if draw < 0.8 else "Ltd"
        if template == "club":
            return "" if draw < 0.6 else "CIC" if draw < 0.8 else "Ltd"
        if template in ("possessive", "venue"):
            return "" if draw < 0.55 else "Ltd"
        if draw < 0.52:
            return "Ltd"
        if draw < 0.67:
            return "Limited"
        if draw < 0.94:
            return ""
        if draw < 0.96:
            return "LLP"
        if draw < 0.97:
            return "plc"
        if draw < 0.98:
            return "Pty Ltd"
        if draw < 0.99:
            return "Inc"
        return "CIC"

    def accented(self, word: str) -> str:
        """Now and then the accented spelling (Café), as people write it."""
        if word in ACCENT_OF and self.rng.random() < 0.3:
            return ACCENT_OF[word]
        return word

    def make(
        self,
        template: str | None = None,
        *,
        first: str | None = None,
        surname: str | None = None,
        trade: str | None = None,
        place: str | None = None,
        legal: str | None = None,
    ) -> Business:
        rng = self.rng
        words = self.words
        kind = template or self.template()
        first = self.accented(first or words.first())
        surname = surname or words.surname()
        if kind in _PERSONS and rng.random() < 0.04:
            surname = f"{surname}-{words.surname()}"  # double-barrelled
        trade = trade or words.trade()
        place = place or words.place()
        legal_form = self.legal(kind) if legal is None else legal
        parts: dict[str, str] = {}
        if kind in ("person", "person_ltd"):
            body = f"{first} {surname}"
            parts = {"first": first, "surname": surname}
        elif kind == "surname_trade":
            body = f"{surname} {trade}"
            parts = {"surname": surname, "trade": trade}
        elif kind == "person_trade":
            trade = trade if trade in PERSON_TRADE_PHRASES else rng.choice(PERSON_TRADE_PHRASES)
            body = f"{first} {surname} {trade}"
            parts = {"first": first, "surname": surname, "trade": trade}
        elif kind == "family":
            family = rng.choices(
                ("& Sons", "& Son", "Bros", "Brothers", "& Co", "& Daughters"),
                (35, 20, 10, 15, 15, 5),
            )[0]
            body = f"{surname} {family}"
            if rng.random() < 0.45:
                body += f" {trade}"
                parts = {"trade": trade}
            parts["surname"] = surname
        elif kind == "partnership":
            other = words.surname()
            while other == surname:
                other = words.surname()
            draw = rng.random()
            if draw < 0.1:
                body = f"{surname}, {other} & {words.surname()}"
            elif draw < 0.2:
                body = f"{surname} {other}"
            else:
                body = f"{surname} & {other}"
            if rng.random() < 0.5:
                body += f" {rng.choice(PROFESSIONS)}"
            parts = {"surname": surname}
        elif kind == "place_trade":
            body = f"{place} {trade}"
            parts = {"place": place, "trade": trade}
        elif kind == "brand":
            draw = rng.random()
            noun = rng.choice(NOUNS)
            if draw < 0.47:
                body = f"{noun} {trade}"
            elif draw < 0.75:
                body = f"{rng.choice(ADJECTIVES)} {noun} {trade}"
            elif draw < 0.95:
                body = f"{rng.choice(ADJECTIVES)} {trade}"
            else:
                body = f"{rng.choice(TREES)} Tree {trade}"
            parts = {"trade": trade}
        elif kind == "venue":
            tail = self.accented(rng.choice(VENUE_TAILS))
            body = f"The {rng.choice(VENUES)}" + (f" {tail}" if tail else "")
            if rng.random() < 0.25:
                body = body[4:]
        elif kind == "possessive":
            trade = self.accented(rng.choice(POSSESSIVE_TRADES))
            body = f"{first}'s {trade}"
            parts = {"first": first, "trade": trade}
        elif kind == "initials":
            letters = "ABCDEGHJKLMPRST"
            if rng.random() < 0.5:
                initials = rng.choice(letters) + rng.choice(letters)
                if rng.random() < 0.3:
                    initials = ".".join(initials) + "."
                body = f"{initials} {surname} {trade}"
                parts = {"surname": surname, "trade": trade}
            else:
                initials = "".join(rng.choice(letters) for _ in range(3))
                if rng.random() < 0.2:
                    initials = ".".join(initials) + "."
                body = f"{initials} {trade}"
                parts = {"trade": trade}
        elif kind == "street":
            body = f"{rng.choice(STREETS_LIST)} Street {trade}"
            parts = {"trade": trade}
        elif kind == "club":
            draw = rng.random()
            if draw < 0.7:
                body = f"{place} {rng.choice(SPORTS)} Club"
            elif draw < 0.85:
                body = f"{place} Community Trust"
            else:
                body = f"{place} Arts Centre"
            parts = {"place": place}
        else:
            raise ValueError(kind)
        if kind in ("place_trade", "club"):
            parts["place"] = place
        return Business(
            body=body,
            legal=legal_form,
            template=kind,
            owner_first=first,
            owner_surname=surname,
            **parts,
        )


# -- normalised keys (to keep the labels true) ---------------------------------------------------

_KEY_LEGAL = frozenset(
    _split_words("ltd limited llp plc pty inc incorporated cic uk co company community interest")
)


#: Spellings of one word: Bros is Brothers, Properties is Property, Electrics is Electrical.
_KEY_SAME = {
    "brothers": "bros",
    "bro": "bros",
    "company": "co",
    "services": "svcs",
    "service": "svcs",
    "svc": "svcs",
    "international": "intl",
    "street": "st",
    "saint": "st",
    "associates": "assoc",
    "management": "mgmt",
    "properties": "property",
    "technologies": "technology",
    "centre": "center",
    # trades said two ways: the same name to anyone reading it
    "electrics": "electrical",
    "landscapes": "landscaping",
    "physiotherapy": "physio",
    "consultancy": "consulting",
    "consultants": "consulting",
    "builders": "building",
    "farming": "farms",
}


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def key(name: str) -> str:
    """Two names with one key are one name (case, accents, punctuation, & and legal form aside).

    This is the generator's own, strict notion of "the same name", independent of the matcher:
    no two businesses in the data share a key, so a label cannot be wrong by coincidence.
    """
    text = strip_accents(name.casefold()).replace("&", " and ")
    text = re.sub(r"['\u2019`.]", "", text)
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    words = [_KEY_SAME.get(w, w) for w in words if w not in ("and", "the")]
    while len(words) > 1 and words[-1] in _KEY_LEGAL:
        words.pop()
    return "".join(words)  # Red Brick and Redbrick, J B Smith and JB Smith: one name


# -- string variations ---------------------------------------------------------------------------

ACCENTS = (
    ("Cafe", "Café"),
    ("Zoe", "Zoë"),
    ("Chloe", "Chloé"),
    ("Jose", "José"),
    ("Renee", "Renée"),
    ("Noel", "Noël"),
    ("Patisserie", "Pâtisserie"),
    ("Creperie", "Crêperie"),
    ("Muller", "Müller"),
    ("Bronte", "Brontë"),
    ("Andre", "André"),
    ("Francois", "François"),
)
ACCENT_OF = dict(ACCENTS)
PLAIN_OF = {accented: plain for plain, accented in ACCENTS}

ABBREVIATIONS = (
    ("Brothers", "Bros"),
    ("Company", "Co"),
    ("Services", "Svcs"),
    ("International", "Intl"),
    ("Street", "St"),
    ("Associates", "Assoc"),
    ("Management", "Mgmt"),
)

FILLERS = {
    # a trade's last word -> the word a longer form adds after it
    "Plumbing": "Services",
    "Electrical": "Services",
    "Roofing": "Services",
    "Cleaning": "Services",
    "Building": "Services",
    "Landscaping": "Services",
    "Removals": "Services",
    "Catering": "Services",
    "Gardening": "Services",
    "Decorating": "Services",
    "Care": "Services",
    "Transport": "Services",
    "Accountancy": "Services",
    "Recruitment": "Services",
    "Marketing": "Services",
    "Scaffolding": "Services",
    "Haulage": "Services",
    "Drainage": "Services",
    "Dental": "Practice",
    "Physio": "Clinic",
    "Physiotherapy": "Clinic",
    "Osteopathy": "Clinic",
    "Photography": "Studio",
    "Design": "Studio",
    "Yoga": "Studio",
    "Hair": "Salon",
    "Beauty": "Salon",
    "Nails": "Studio",
    "Fitness": "Centre",
    "Nursery": "Day",  # Willow Tree Nursery / Willow Tree Day Nursery (before the word)
}
DROPPABLE = ("Services", "Studio", "Clinic", "Practice", "Salon", "Centre", "Day")

_QWERTY = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
#: Every name in the lists: a typo must not make one of them.
REAL_NAMES = frozenset(
    SURNAMES + RARE_SURNAMES + FIRST_NAMES + [n for _, a, b in NAME_PAIRS for n in (a, b)]
)


def _neighbours(letter: str) -> str:
    for row_index, row in enumerate(_QWERTY):
        column = row.find(letter)
        if column < 0:
            continue
        near = [row[i] for i in (column - 1, column + 1) if 0 <= i < len(row)]
        for other in (row_index - 1, row_index + 1):
            if 0 <= other < len(_QWERTY):
                near.extend(
                    _QWERTY[other][i]
                    for i in (column, column + 1 if other > row_index else column - 1)
                    if 0 <= i < len(_QWERTY[other])
                )
        return "".join(near)
    return "aeiou"


def _with_case(text: str, like: str) -> str:
    """`text` in the case of `like` (all caps, all lower, or as it is)."""
    if like.isupper():
        return text.upper()
    if like.islower():
        return text.lower()
    return text


def _split_legal(text: str) -> tuple[str, str]:
    found = _LEGAL_END.search(text)
    if not found:
        return text, ""
    return text[: found.start()], found.group(1)


def _title(word: str) -> str:
    return word[:1].upper() + word[1:].lower() if word else word


def _words(text: str) -> list[str]:
    return text.split(" ")


Transform = Callable[[random.Random, str, Business], "str | None"]


def t_case(rng: random.Random, text: str, business: Business) -> str | None:
    if text.isupper():
        return " ".join(_title(word) for word in _words(text))
    return text.upper() if rng.random() < 0.85 else text.lower()


_SUFFIX_SWAPS = {
    "ltd": (("Limited", 5), ("", 4), ("Ltd.", 1)),
    "ltd.": (("Ltd", 1), ("Limited", 1)),
    "limited": (("Ltd", 6), ("", 4)),
    "llp": (("", 1),),
    "l.l.p.": (("LLP", 1),),
    "plc": (("PLC", 1), ("", 1)),
    "pty ltd": (("Ltd", 2), ("Pty Limited", 1), ("", 2)),
    "pty. ltd.": (("Pty Ltd", 1),),
    "pty limited": (("Pty Ltd", 1),),
    "inc": (("Inc.", 1), ("", 1), ("Incorporated", 1)),
    "inc.": (("Inc", 1), ("", 1)),
    "incorporated": (("Inc", 1),),
    "cic": (("", 1), ("Community Interest Company", 1)),
    "c.i.c.": (("CIC", 1),),
    "community interest company": (("CIC", 1),),
}


def t_suffix(rng: random.Random, text: str, business: Business) -> str | None:
    body, legal = _split_legal(text)
    options: Sequence[tuple[str, int]]
    if legal:
        options = _SUFFIX_SWAPS[re.sub(r"\s+", " ", legal.lower())]
    elif business.template == "partnership":
        options = (("LLP", 3), ("Ltd", 1))
    elif business.template == "person":
        options = (("Ltd", 1),)
    else:
        options = (("Ltd", 7), ("Limited", 3))
    new = rng.choices([o for o, _ in options], [w for _, w in options])[0]
    new = _with_case(new, body) if body.isupper() else new
    return f"{body} {new}" if new else body


def t_ampersand(rng: random.Random, text: str, business: Business) -> str | None:
    if " & " in text:
        return text.replace(" & ", " AND " if text.isupper() else " and ", 1)
    found = re.search(r" and ", text, re.IGNORECASE)
    if found:
        return text[: found.start()] + " & " + text[found.end() :]
    return None


def t_the(rng: random.Random, text: str, business: Business) -> str | None:
    if business.template in _PERSON_NAMED or business.template == "partnership":
        return None
    if text[:4].casefold() == "the ":
        return text[4:]
    return ("THE " if text.isupper() else "The ") + text


def t_abbreviation(rng: random.Random, text: str, business: Business) -> str | None:
    words = _words(text)
    found = []
    for index, word in enumerate(words):
        bare = word.rstrip(".").casefold()
        for full, short in ABBREVIATIONS:
            if bare == full.casefold():
                found.append((index, short + ("." if rng.random() < 0.25 else "")))
            elif bare == short.casefold() and (short != "St" or business.template == "street"):
                found.append((index, full))
    if not found:
        return None
    index, new = rng.choice(found)
    words[index] = _with_case(new, words[index]) if words[index].isupper() else new
    return " ".join(words)


def _long_words(text: str, shortest: int) -> list[int]:
    body, _ = _split_legal(text)
    count = len(_words(body))
    return [
        index
        for index, word in enumerate(_words(text)[:count])
        if len(word) >= shortest and word.isalpha()
    ]


def t_truncation(rng: random.Random, text: str, business: Business) -> str | None:
    candidates = _long_words(text, 7)
    if not candidates:
        return None
    words = _words(text)
    later = [i for i in candidates if i > 0]  # fixed-width fields cut the end, not the start
    candidates = later or candidates
    index = rng.choices(candidates, [i + 1 for i in candidates])[0]
    word = words[index]
    words[index] = word[: rng.randint(4, min(6, len(word) - 3))]
    truncated = " ".join(words)
    if rng.random() < 0.4:
        truncated = _split_legal(truncated)[0]
    return truncated


def t_typo(rng: random.Random, text: str, business: Business) -> str | None:
    candidates = _long_words(text, 6)
    if not candidates:
        return None
    words = _words(text)
    index = rng.choice(candidates)
    word = words[index]
    kind = rng.choice(("substitution", "transposition", "deletion"))
    if kind == "transposition":
        spots = [i for i in range(1, len(word) - 1) if word[i].lower() != word[i + 1].lower()]
        if not spots:
            return None
        i = rng.choice(spots)
        new = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    elif kind == "deletion":
        doubled = [i for i in range(1, len(word)) if word[i].lower() == word[i - 1].lower()]
        i = rng.choice(doubled) if doubled and rng.random() < 0.5 else rng.randrange(1, len(word))
        new = word[:i] + word[i + 1 :]
    else:
        i = rng.randrange(1, len(word))
        letter = rng.choice(_neighbours(word[i].lower()))
        new = word[:i] + (letter.upper() if word[i].isupper() else letter) + word[i + 1 :]
    if new.casefold() == word.casefold() or _title(new) in REAL_NAMES:
        return None  # Davies to Davis is another name, not a typo
    words[index] = new
    return " ".join(words)


def t_punctuation(rng: random.Random, text: str, business: Business) -> str | None:
    options: list[str] = []
    irish = re.search(r"\b([ODod])['\u2019]([A-Za-z]+)", text)
    if irish:
        head, tail = text[: irish.start()], text[irish.end() :]
        for joiner in ("", " ", "\u2019"):
            options.append(f"{head}{irish.group(1)}{joiner}{irish.group(2)}{tail}")
    possessive = re.search(r"([A-Za-z]+)'([sS])\b", text)
    if possessive:
        head, tail = text[: possessive.start()], text[possessive.end() :]
        for joiner in ("", "\u2019"):
            options.append(f"{head}{possessive.group(1)}{joiner}{possessive.group(2)}{tail}")
    hyphen = re.search(r"\b([A-Za-z]+)-([A-Za-z]+)\b", text)
    if hyphen:
        head, tail = text[: hyphen.start()], text[hyphen.end() :]
        options.append(f"{head}{hyphen.group(1)} {hyphen.group(2)}{tail}")
    dotted = re.match(r"((?:[A-Z]\.){2,3})\s", text)
    if dotted:
        letters = dotted.group(1).replace(".", "")
        options.extend(new + text[dotted.end(1) :] for new in (letters, " ".join(letters)))
    initials = re.match(r"([A-Z]{2,3})\s", text)
    if initials and business.template == "initials":
        options.append(".".join(initials.group(1)) + "." + text[initials.end(1) :])
    saint = re.search(r"\bSt\.? ", text)
    if saint and business.template != "street":
        new = "St " if "." in saint.group(0) else "St. "
        options.append(text[: saint.start()] + new + text[saint.end() :])
    if not options:
        return None
    return rng.choice(options)


def t_accent(rng: random.Random, text: str, business: Business) -> str | None:
    words = _words(text)
    found = []
    for index, word in enumerate(words):
        letters = re.match(r"[^\W\d_]+", word)
        if not letters:
            continue
        bare = _title(letters.group(0))
        other = ACCENT_OF.get(bare) or PLAIN_OF.get(bare)
        if other:
            found.append((index, letters.group(0), other))
    if not found:
        return None
    index, stem, other = rng.choice(found)
    words[index] = words[index].replace(stem, _with_case(other, stem), 1)
    return " ".join(words)


def t_uk(rng: random.Random, text: str, business: Business) -> str | None:
    if business.template in _PERSON_NAMED:
        return None
    found = re.search(r"\s*\(UK\)|\s+UK\b", text, re.IGNORECASE)
    if found:
        return text[: found.start()] + text[found.end() :]
    body, legal = _split_legal(text)
    uk = " (UK)" if rng.random() < 0.7 else " UK"
    return body + uk + (f" {legal}" if legal else "")


STRING_TRANSFORMS: dict[str, Transform] = {
    "case": t_case,
    "suffix": t_suffix,
    "ampersand": t_ampersand,
    "the": t_the,
    "abbreviation": t_abbreviation,
    "truncation": t_truncation,
    "typo": t_typo,
    "punctuation": t_punctuation,
    "accent": t_accent,
    "uk": t_uk,
}
#: Which side the changed name is on: the share where the client's (practice's) record has it.
CLIENT_SIDE = {
    "case": 0.5,
    "suffix": 0.5,
    "ampersand": 0.5,
    "the": 0.5,
    "abbreviation": 0.6,
    "truncation": 0.75,  # CITY LIMO in the practice's records, City Limousines in Xero
    "typo": 0.5,
    "punctuation": 0.5,
    "accent": 0.4,
    "uk": 0.3,
    "word_order": 0.5,
    "missing_extra_word": 0.5,
}


def v_word_order(rng: random.Random, business: Business) -> str | None:
    text = business.name
    if business.template in _PERSONS:
        first, surname = business.first, business.surname
        if not text.startswith(f"{first} {surname}"):
            return None
        rest = text[len(first) + len(surname) + 1 :]
        form = rng.choices(("plain", "comma", "caps"), (6, 3, 1))[0]
        if form == "comma":
            return f"{surname}, {first}{rest}"
        if form == "caps":
            return f"{surname.upper()} {first}{rest}"
        return f"{surname} {first}{rest}"
    if business.template == "partnership":
        found = re.match(r"([\w'-]+) & ([\w'-]+)", text)
        if found:
            return f"{found.group(2)} & {found.group(1)}" + text[found.end() :]
    return None


def v_missing_extra_word(rng: random.Random, business: Business) -> str | None:
    body, legal = business.body, business.legal
    words = _words(body)
    tail = f" {legal}" if legal else ""
    options: list[str] = []
    content = [w for w in words if w not in ("&", "The", "and")]
    for index, word in enumerate(words):
        if word in DROPPABLE and len(content) >= 3:
            options.append(" ".join(words[:index] + words[index + 1 :]) + tail)
    last = words[-1]
    filler = FILLERS.get(last)
    if filler and filler not in words:
        if filler == "Day":
            options.append(" ".join([*words[:-1], "Day", last]) + tail)
        else:
            options.append(f"{body} {filler}{tail}")
    if business.template == "person_trade" and body.startswith(business.first + " "):
        options.append(body[len(business.first) + 1 :] + tail)
    if not options:
        return None
    return rng.choice(options)


def trading_as(rng: random.Random, maker: Maker, business: Business) -> tuple[str, str] | None:
    """A sole trader's name and their trading name: Joseph Okafor t/a Okafor Electrical."""
    if business.template not in ("surname_trade", "brand", "place_trade", "venue", "possessive"):
        return None
    trade_name = business.body
    person = f"{business.owner_first} {business.owner_surname}"
    ta = rng.choices(("t/a", "T/A", "trading as", "T/as"), (50, 25, 15, 10))[0]
    full = f"{person} {ta} {trade_name}"
    form = rng.choices(
        ("person", "business", "full_client", "full_client_person"), (30, 35, 20, 15)
    )[0]
    if form == "person":
        return person, full
    if form == "business":
        return trade_name, full
    if form == "full_client":
        return full, trade_name
    return full, person


# -- traps and twins -----------------------------------------------------------------------------


def _other(rng: random.Random, draw: Callable[[], str], than: str) -> str:
    for _ in range(50):
        value = draw()
        if value != than and value.split("-")[0] != than.split("-")[0]:
            return value
    return draw()


def confusable(rng: random.Random, maker: Maker, kind: str, b: Business) -> list[Business] | None:
    """Another business a matcher could take for `b` (None when the kind does not fit `b`)."""
    words = maker.words
    t = b.template
    if kind == "same_surname_other_trade" and t in ("surname_trade", "initials"):
        if t == "initials" and not b.surname:
            return None
        return [replace(b, body=b.body.replace(b.trade, _other(rng, words.trade, b.trade)))]
    if kind == "same_trade_other_surname" and t in ("surname_trade", "person_trade"):
        other = _other(rng, words.surname, b.surname)
        return [replace(b, body=b.body.replace(b.surname, other), surname=other)]
    if kind == "one_letter_name":
        for side, one, two in NAME_PAIRS:
            value = b.first if side == "first" else b.surname
            for mine, theirs in ((one, two), (two, one)):
                if value == mine and re.search(rf"\b{mine}\b", b.body):
                    body = re.sub(rf"\b{mine}\b", theirs, b.body, count=1)
                    if side == "first":
                        return [replace(b, body=body, first=theirs)]
                    return [replace(b, body=body, surname=theirs)]
        return None
    if kind == "extra_trade":
        last = _words(b.body)[-1]
        if last in EXTRA_TRADES and t not in _PERSONS:
            return [replace(b, body=f"{b.body} & {EXTRA_TRADES[last]}")]
        return None
    if kind == "other_first_name" and t in ("person", "person_ltd", "person_trade", "possessive"):
        first = b.first
        other = _other(rng, words.first, first)
        if (
            abs(len(other) - len(first)) <= 1
            and sum(x != y for x, y in zip(other, first, strict=False)) <= 1
        ):
            return None  # that would be a one-letter pair
        return [replace(b, body=b.body.replace(first, other, 1), first=other)]
    if kind == "other_place" and t in ("place_trade", "club"):
        other = _other(rng, words.place, b.place)
        return [replace(b, body=b.body.replace(b.place, other, 1), place=other)]
    if kind == "holdings" and t not in _PERSONS and b.trade not in ("Holdings", "Group"):
        word = "Holdings" if rng.random() < 0.75 else "Group"
        return [replace(b, body=f"{b.body} {word}", legal=b.legal or "Ltd")]
    if kind == "son_sons":
        for mine, theirs in (("& Sons", "& Son"), ("& Son", "& Sons"), ("Bros", "& Sons")):
            if re.search(rf"{re.escape(mine)}\b", b.body):
                body = re.sub(rf"{re.escape(mine)}\b", theirs, b.body, count=1)
                return [replace(b, body=body, legal=b.legal or "Ltd")]
        return None
    return None


# -- emails and references -----------------------------------------------------------------------

FREE_MAIL = (
    ("gmail.com", 40),
    ("btinternet.com", 15),
    ("hotmail.co.uk", 12),
    ("outlook.com", 10),
    ("yahoo.co.uk", 8),
    ("icloud.com", 6),
    ("aol.com", 3),
    ("sky.com", 3),
    ("live.co.uk", 3),
)
MAILBOXES = ("accounts", "info", "office", "admin", "hello", "enquiries", "finance", "bookings")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", strip_accents(text.casefold()))


def domain_of(rng: random.Random, business: Business) -> str:
    words = [w for w in _words(business.body) if w not in ("&", "The", "and")]
    name = slug("".join(words))
    if len(name) > 18:
        name = slug("".join(w[0] for w in words[:-1]) + words[-1])
    tld = rng.choices((".co.uk", ".com", ".uk", ".net"), (65, 22, 9, 4))[0]
    return name + tld


def other_domain(domain: str) -> str:
    """The business's other (older or newer) domain: .co.uk for .com and the other way."""
    name, _, tld = domain.partition(".")
    return name + (".com" if tld == "co.uk" else ".co.uk")


def person_mailbox(rng: random.Random, first: str, surname: str) -> str:
    first, surname = slug(first), slug(surname)
    form = rng.randrange(5)
    if form == 0:
        return f"{first}.{surname}"
    if form == 1:
        return f"{first}{surname}{rng.randint(1, 99)}"
    if form == 2:
        return f"{first[0]}{surname}"
    if form == 3:
        return f"{first}.{surname}{rng.randint(60, 99)}"
    return f"{surname}{first[0]}"


# -- the whole set -------------------------------------------------------------------------------


@dataclass(slots=True)
class ContactRow:
    contact_id: str
    name: str
    email: str = ""
    contact_number: str = ""
    account_number: str = ""
    status: str = "ACTIVE"
    role: str = "distractor"
    for_client: str = ""

    def row(self) -> dict[str, str]:
        return {column: getattr(self, column) for column in CONTACT_COLUMNS}


@dataclass(slots=True)
class ClientRow:
    client_reference: str
    client_name: str
    client_email: str = ""
    correct_contact_id: str = ""
    variation: str = ""
    trap: str = ""
    archived_match: str = ""
    evidence: str = ""

    def row(self) -> dict[str, str]:
        return {column: getattr(self, column) for column in EVAL_COLUMNS}


def allocate(shares: dict[str, float], count: int, rng: random.Random) -> list[str]:
    """`count` labels in exactly these shares (largest remainder), in a random order."""
    total = sum(shares.values())
    exact = {label: share * count / total for label, share in shares.items()}
    counts = {label: int(value) for label, value in exact.items()}
    left = count - sum(counts.values())
    for label in sorted(exact, key=lambda lab: counts[lab] - exact[lab])[:left]:
        counts[label] += 1
    labels = [label for label, n in counts.items() for _ in range(n)]
    rng.shuffle(labels)
    return labels


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.maker = Maker(self.rng)
        self.keys: set[str] = set()
        self.prefix_counts: dict[str, int] = {}
        self.contacts: list[ContactRow] = []
        self.clients: list[ClientRow] = []

    # -- small parts --

    def new_id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def reference(self, name: str) -> str:
        """A practice-style code: three letters of the name and a number (HUG004)."""
        words = [w for w in re.findall(r"[A-Za-z]+", strip_accents(name)) if w.lower() != "the"]
        prefix = ("".join(words) + "XXX")[:3].upper()
        number = self.prefix_counts.get(prefix, 0) + 1
        self.prefix_counts[prefix] = number
        return f"{prefix}{number:03d}"

    def free_email(self, first: str, surname: str) -> str:
        domain = self.rng.choices([d for d, _ in FREE_MAIL], [w for _, w in FREE_MAIL])[0]
        return f"{person_mailbox(self.rng, first, surname)}@{domain}"

    def owner(self, business: Business) -> tuple[str, str]:
        return business.owner_first, business.owner_surname

    def business_email(self, business: Business, domain: str) -> str:
        rng = self.rng
        if rng.random() < 0.7:
            return f"{rng.choice(MAILBOXES)}@{domain}"
        first, surname = slug(business.owner_first), slug(business.owner_surname)
        mailbox = rng.choice((first, f"{first}.{surname}", f"{first[0]}{surname}"))
        return f"{mailbox}@{domain}"

    def free_key(self, *names: str) -> bool:
        keys = {key(name) for name in names}
        return all(k and k not in self.keys for k in keys)

    def claim(self, *names: str) -> None:
        self.keys.update(key(name) for name in names)

    def contact(self, name: str, role: str, client: str = "", **fields: str) -> ContactRow:
        row = ContactRow(self.new_id(), name, role=role, for_client=client, **fields)
        self.contacts.append(row)
        return row

    # -- one client --

    def vary(self, variation: str, business: Business) -> tuple[str, str] | None:
        """(client name, contact name) differing by `variation`; None if it does not fit."""
        rng = self.rng
        name = business.name
        if variation == "identical":
            return name, name
        if variation == "trading_as":
            return trading_as(rng, self.maker, business)
        if variation == "combined":
            kinds = [k for k in STRING_TRANSFORMS if k not in ("accent", "uk")]
            first, second = rng.sample(kinds, 2)
            if "truncation" in (first, second) and "typo" in (first, second):
                return None
            changed = STRING_TRANSFORMS[first](rng, name, business)
            if changed is None:
                return None
            client, contact = (changed, name) if rng.random() < 0.5 else (name, changed)
            if rng.random() < 0.5:
                again = STRING_TRANSFORMS[second](rng, client, business)
                client = again or ""
            else:
                again = STRING_TRANSFORMS[second](rng, contact, business)
                contact = again or ""
            if not client or not contact:
                return None
            return client, contact
        if variation == "word_order":
            changed = v_word_order(rng, business)
        elif variation == "missing_extra_word":
            changed = v_missing_extra_word(rng, business)
        else:
            changed = STRING_TRANSFORMS[variation](rng, name, business)
        if changed is None or changed == name:
            return None
        if rng.random() < CLIENT_SIDE[variation]:
            return changed, name
        return name, changed

    def hint(self, variation: str, trap: str) -> str | None:
        """A template likely to fit (rejection sampling does the rest)."""
        rng = self.rng
        hints = {
            "word_order": ("person", "person", "person_ltd", "partnership"),
            "trading_as": ("surname_trade", "surname_trade", "brand", "place_trade", "venue"),
            "same_surname_other_trade": ("surname_trade", "surname_trade", "initials"),
            "same_trade_other_surname": ("surname_trade", "person_trade"),
            "other_first_name": ("person", "person", "person_ltd", "person_trade", "possessive"),
            "other_place": ("place_trade", "place_trade", "club"),
            "son_sons": ("family",),
            "extra_trade": ("surname_trade", "place_trade", "brand"),
            "one_letter_name": ("person", "person_ltd", "surname_trade", "person_trade"),
        }
        for label in (trap.split(":")[-1], variation):
            if label in hints and rng.random() < 0.9:
                return rng.choice(hints[label])
        return None

    def pinned(self, trap: str, template: str | None) -> dict[str, str]:
        """For the one-letter kind: put one of the pair's names in the business."""
        rng = self.rng
        pins: dict[str, str] = {}
        trap = trap.split(":")[-1]
        if trap == "one_letter_name":
            side, one, two = rng.choice(NAME_PAIRS)
            value = rng.choice((one, two))
            if side == "first" and template in ("person", "person_ltd", "person_trade"):
                pins["first"] = value
            elif side == "surname":
                pins["surname"] = value
        elif trap == "extra_trade":
            pins["trade"] = rng.choice(
                [t for t, _ in TRADES if _words(t)[-1] in EXTRA_TRADES and "&" not in t]
            )
        return pins

    def one(self, status: str, variation: str, trap: str) -> None:
        rng = self.rng
        maker = self.maker
        # A twin one letter away next to a misspelt name, or one with another first name next
        # to a name that lost its first name: no one could say which is meant. Not drawn.
        twins = list(TWINS)
        if variation in ("typo", "truncation", "combined"):
            twins = ["holdings", "extra_trade", "other_first_name"]
        elif variation in ("missing_extra_word", "trading_as"):
            twins = ["holdings"]
        if trap.startswith("twin:") and trap[5:] not in twins:
            trap = "twin:" + rng.choice(twins)
        for attempt in range(3000):
            if trap.startswith("twin:") and attempt % 150 == 149:
                trap = "twin:" + rng.choice(twins)  # that kind does not go with the variation
            template = self.hint(variation, trap)
            pins = self.pinned(trap, template)
            business = maker.make(template, **pins)
            names = (business.name, business.name)
            if status != "absent":
                varied = self.vary(variation, business)
                if varied is None:
                    continue
                names = varied
            planted: list[Business] = []
            trap_kind = trap.split(":")[-1]
            if trap_kind not in ("", "none", "archived_copy"):
                found = confusable(rng, maker, trap_kind, business)
                if not found:
                    continue
                # Another business: its own people (so its own email addresses).
                planted = [
                    replace(
                        other,
                        owner_first=other.first or maker.words.first(),
                        owner_surname=other.surname or maker.words.surname(),
                    )
                    for other in found
                ]
            planted_names = [b.name for b in planted]
            if any(key(p) in {key(n) for n in names} for p in planted_names):
                continue
            if len({key(p) for p in planted_names}) != len(planted_names):
                continue
            if not self.free_key(*names, business.name, *planted_names):
                continue
            self.claim(*names, business.name, *planted_names)
            self.record(status, variation, trap, business, names, planted)
            return
        raise RuntimeError(f"no business fits {status}/{variation}/{trap}")

    def record(
        self,
        status: str,
        variation: str,
        trap: str,
        business: Business,
        names: tuple[str, str],
        planted: list[Business],
    ) -> None:
        rng = self.rng
        client_name, contact_name = names
        reference = self.reference(client_name)
        domain = domain_of(rng, business)
        first, surname = self.owner(business)
        kind = rng.choices(("business", "free", "none"), (55, 30, 15))[0]
        client_email = ""
        if kind == "business":
            client_email = self.business_email(business, domain)
        elif kind == "free":
            client_email = self.free_email(first, surname)
        client = ClientRow(reference, client_name, client_email)
        self.clients.append(client)
        for other in planted:
            other_email = ""
            if rng.random() < 0.6:
                other_email = self.business_email(other, domain_of(rng, other))
            elif rng.random() < 0.5:
                o_first, o_surname = self.owner(other)
                other_email = self.free_email(o_first, o_surname)
            if other_email and other_email == client_email:
                other_email = ""  # another business: never the client's own address
            shown = other.name
            if rng.random() < 0.25:
                shown = t_case(rng, shown, other) or shown
            self.contact(
                shown, "trap" if status == "absent" else "twin", reference, email=other_email
            )
        if status == "absent":
            client.variation = "absent"
            client.trap = trap
            client.evidence = "-"
            return
        # The client's own contact, with the evidence Xero holds.
        evidence: list[str] = []
        contact_email = ""
        if kind == "business":
            draw = rng.random()
            if draw < 0.35:
                contact_email = client_email
                evidence.append("email")
            elif draw < 0.65:
                contact_email = self.business_email(business, domain)
                evidence.append("email" if contact_email == client_email else "domain")
            elif draw < 0.92:
                contact_email = ""
            else:
                contact_email = self.business_email(business, other_domain(domain))
                evidence.append("other_domain")
        elif kind == "free":
            draw = rng.random()
            if draw < 0.3:
                contact_email = client_email
                evidence.append("email")
            elif draw < 0.5:
                contact_email = self.free_email(first, surname)
            evidence.append("free_mail")
        elif rng.random() < 0.5:
            contact_email = self.business_email(business, domain)
        number = account = ""
        draw = rng.random()
        if draw < 0.18:
            number = reference
            evidence.append("reference")
        elif draw < 0.23:
            account = reference
            evidence.append("reference")
        elif draw < 0.33:
            number = str(rng.randint(10000, 99999))  # from an older system
        status_text = "ARCHIVED" if status == "archived_only" else "ACTIVE"
        own = self.contact(
            contact_name,
            "archived_match" if status == "archived_only" else "correct",
            reference,
            email=contact_email,
            contact_number=number,
            account_number=account,
            status=status_text,
        )
        client.variation = variation
        client.trap = trap
        client.evidence = "+".join(evidence) or "-"
        if status == "archived_only":
            client.archived_match = own.contact_id
            client.trap = "archived_only"
        else:
            client.correct_contact_id = own.contact_id
        if trap == "archived_copy":
            # An old copy archived in Xero: the name before incorporating, or a duplicate.
            old = rng.choice((business.body, business.name, client_name))
            self.contact(old, "archived_copy", reference, email=contact_email, status="ARCHIVED")

    # -- the rest --

    def distractors(self, count: int) -> None:
        rng = self.rng
        maker = self.maker
        suppliers = [s for s in SUPPLIERS if self.free_key(s)]
        for name in suppliers[:count]:
            self.claim(name)
            self.contact(name, "supplier")
        made = len(suppliers[:count])
        while made < count:
            business = maker.make()
            name = business.name
            if rng.random() < 0.05:
                name = name.upper()
            if not self.free_key(name):
                continue
            self.claim(name)
            email = ""
            draw = rng.random()
            if draw < 0.6:
                email = self.business_email(business, domain_of(rng, business))
            elif draw < 0.75:
                first, surname = self.owner(business)
                email = self.free_email(first, surname)
            number = account = ""
            draw = rng.random()
            if draw < 0.2:
                number = self.reference(name)  # a former client's code
            elif draw < 0.25:
                account = self.reference(name)
            elif draw < 0.3:
                number = str(rng.randint(10000, 99999))
            status = "ARCHIVED" if rng.random() < 0.04 else "ACTIVE"
            self.contact(
                name,
                "distractor",
                email=email,
                contact_number=number,
                account_number=account,
                status=status,
            )
            made += 1


def generate(
    *, clients: int = 2000, contacts: int = 5500, seed: int = 7
) -> tuple[list[ClientRow], list[ContactRow]]:
    """The clients (in reference order) and contacts (shuffled), labelled."""
    gen = Generator(seed)
    rng = gen.rng
    statuses = allocate(STATUS, clients, rng)
    with_contact = sum(1 for s in statuses if s != "absent")
    variations = iter(allocate(VARIATIONS, with_contact, rng))
    traps = iter(allocate(TRAPS, statuses.count("absent"), rng))
    present = statuses.count("present")
    extras = allocate(
        {
            "twin": TWIN_SHARE,
            "archived_copy": ARCHIVED_COPY_SHARE,
            "": 100.0 - TWIN_SHARE - ARCHIVED_COPY_SHARE,
        },
        present,
        rng,
    )
    extra = iter(extras)
    for status in statuses:
        if status == "absent":
            gen.one(status, "absent", next(traps))
            continue
        variation = next(variations)
        trap = next(extra) if status == "present" else ""
        if trap == "twin":
            trap = "twin:" + rng.choice(TWINS)
        gen.one(status, variation, trap)
    gen.clients.sort(key=lambda c: c.client_reference)
    gen.distractors(max(0, contacts - len(gen.contacts)))
    rng.shuffle(gen.contacts)
    return gen.clients, gen.contacts


def write(path: Path, columns: Sequence[str], rows: Sequence[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_set(out: Path, *, clients: int = 2000, contacts: int = 5500, seed: int = 7) -> None:
    client_rows, contact_rows = generate(clients=clients, contacts=contacts, seed=seed)
    write(out / EVAL_FILE, EVAL_COLUMNS, [c.row() for c in client_rows])
    write(out / CONTACTS_FILE, CONTACT_COLUMNS, [c.row() for c in contact_rows])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=2000, help="how many clients (2000)")
    parser.add_argument(
        "--contacts", type=int, default=5500, help="how many Xero contacts in all (5500)"
    )
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--out", type=Path, default=DATA, help="folder (default bench/data)")
    args = parser.parse_args(argv)
    if args.clients < 20:
        parser.error("--clients must be at least 20")
    client_rows, contact_rows = generate(
        clients=args.clients, contacts=args.contacts, seed=args.seed
    )
    write(args.out / EVAL_FILE, EVAL_COLUMNS, [c.row() for c in client_rows])
    write(args.out / CONTACTS_FILE, CONTACT_COLUMNS, [c.row() for c in contact_rows])
    linked = sum(1 for c in client_rows if c.correct_contact_id)
    roles: dict[str, int] = {}
    for contact in contact_rows:
        roles[contact.role] = roles.get(contact.role, 0) + 1
    print(
        f"wrote {len(client_rows)} clients ({linked} with a linkable contact) to "
        f"{args.out / EVAL_FILE} and {len(contact_rows)} contacts to {args.out / CONTACTS_FILE}"
    )
    print("contacts by role: " + ", ".join(f"{role} {n}" for role, n in sorted(roles.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
