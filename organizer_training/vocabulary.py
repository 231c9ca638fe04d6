"""The curated tag vocabulary of the default bundle and how ImageNet classes map onto it.

Each tag names WordNet synsets (every ImageNet class below one maps to the tag) and/or ImageNet
classes directly (by name as in classes.csv, or by wnid where a name is ambiguous). A tag's
ImageNet probability is the sum of the softmax probabilities of its classes. Tags with no
ImageNet classes (e.g. desert, sunset, giraffe) depend on the heads trained on labelled photos.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from organizer_training.wordnet import WordNet, wnid_to_offset


@dataclass(frozen=True)
class TagSpec:
    name: str
    en: str
    zh: str
    aliases: tuple[str, ...] = ()
    parent: str | None = None
    synsets: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    exclude: tuple[str, ...] = field(default=())


def _t(name, en, zh, aliases=(), parent=None, synsets=(), classes=(), exclude=()) -> TagSpec:
    return TagSpec(name, en, zh, tuple(aliases), parent, tuple(synsets), tuple(classes),
                   tuple(exclude))


# Order = output order of the bundle. Parents come before children.
VOCABULARY: list[TagSpec] = [
    # --- people --------------------------------------------------------------------------
    _t("person", "Person", "人", ["people", "persons", "human", "humans", "man", "men", "woman",
       "women", "child", "children", "kid", "kids"], synsets=["person.n.01"]),
    # --- animals -------------------------------------------------------------------------
    _t("animal", "Animal", "动物", ["animals", "wildlife", "creature"], synsets=["animal.n.01"]),
    _t("dog", "Dog", "狗", ["dogs", "puppy", "puppies"], "animal", ["dog.n.01"]),
    _t("cat", "Cat", "猫", ["cats", "kitten", "kittens", "kitty"], "animal",
       ["domestic_cat.n.01"]),
    _t("lion", "Lion", "狮子", ["lions"], "animal", ["lion.n.01"]),
    _t("tiger", "Tiger", "老虎", ["tigers"], "animal", ["tiger.n.02"]),
    _t("bird", "Bird", "鸟", ["birds"], "animal", ["bird.n.01"]),
    _t("duck", "Duck", "鸭子", ["ducks"], "bird", ["duck.n.01", "goose.n.01"]),
    _t("chicken", "Chicken", "鸡", ["chickens", "hen", "hens", "rooster"], "bird",
       classes=["cock", "hen"]),
    _t("parrot", "Parrot", "鹦鹉", ["parrots", "macaw", "cockatoo"], "bird", ["parrot.n.01"]),
    _t("owl", "Owl", "猫头鹰", ["owls"], "bird", ["owl.n.01"]),
    _t("penguin", "Penguin", "企鹅", ["penguins"], "bird", ["penguin.n.01"]),
    _t("fish", "Fish", "鱼", ["fishes"], "animal", ["fish.n.01"]),
    _t("shark", "Shark", "鲨鱼", ["sharks"], "fish", ["shark.n.01"]),
    _t("insect", "Insect", "昆虫", ["insects", "bug", "bugs"], "animal", ["insect.n.01"]),
    _t("butterfly", "Butterfly", "蝴蝶", ["butterflies", "moth"], "insect",
       ["butterfly.n.01"]),
    _t("spider", "Spider", "蜘蛛", ["spiders"], "animal", ["spider.n.01"]),
    _t("snake", "Snake", "蛇", ["snakes"], "animal", ["snake.n.01"]),
    _t("lizard", "Lizard", "蜥蜴", ["lizards"], "animal", ["lizard.n.01"]),
    _t("turtle", "Turtle", "龟", ["turtles", "tortoise"], "animal", ["chelonian.n.01"]),
    _t("frog", "Frog", "青蛙", ["frogs", "toad"], "animal", ["frog.n.01"]),
    _t("horse", "Horse", "马", ["horses", "pony"], "animal", ["horse.n.01"]),
    _t("zebra", "Zebra", "斑马", ["zebras"], "animal", ["zebra.n.01"]),
    _t("cow", "Cow", "牛", ["cows", "cattle", "ox", "bull", "buffalo"], "animal",
       ["bovine.n.01"]),
    _t("sheep", "Sheep", "羊", ["ram", "lamb", "lambs"], "animal", ["sheep.n.01"]),
    _t("pig", "Pig", "猪", ["pigs", "hog", "boar"], "animal", ["swine.n.01"]),
    _t("elephant", "Elephant", "大象", ["elephants"], "animal", ["proboscidean.n.01"]),
    _t("bear", "Bear", "熊", ["bears"], "animal", ["bear.n.01"]),
    _t("panda", "Panda", "熊猫", ["pandas", "giant panda"], "animal", classes=["giant panda"]),
    _t("giraffe", "Giraffe", "长颈鹿", ["giraffes"], "animal"),
    _t("monkey", "Monkey", "猴子", ["monkeys", "ape", "apes", "primate"], "animal",
       ["primate.n.02"]),
    _t("rabbit", "Rabbit", "兔子", ["rabbits", "bunny", "hare"], "animal",
       ["leporid.n.01"]),
    _t("squirrel", "Squirrel", "松鼠", ["squirrels"], "animal", ["squirrel.n.01"]),
    _t("fox", "Fox", "狐狸", ["foxes"], "animal", ["fox.n.01"]),
    _t("wolf", "Wolf", "狼", ["wolves"], "animal", ["wolf.n.01"]),
    _t("crab", "Crab", "螃蟹", ["crabs"], "animal", ["crab.n.01"]),
    # --- food and drink -------------------------------------------------------------------
    _t("food", "Food", "食物", ["meal", "dish", "dishes"], synsets=["food.n.01", "food.n.02"],
       classes=["Granny Smith", "strawberry", "orange", "lemon", "fig", "pineapple", "banana",
                "jackfruit", "custard apple", "pomegranate"]),
    _t("fruit", "Fruit", "水果", ["fruits"], "food", ["edible_fruit.n.01"]),
    _t("apple", "Apple", "苹果", ["apples"], "fruit", classes=["Granny Smith"]),
    _t("banana", "Banana", "香蕉", ["bananas"], "fruit", classes=["banana"]),
    _t("orange", "Orange", "橙子", ["oranges", "satsuma", "satsumas", "mandarin", "mandarins"],
       "fruit", classes=["orange"]),
    _t("lemon", "Lemon", "柠檬", ["lemons"], "fruit", classes=["lemon"]),
    _t("strawberry", "Strawberry", "草莓", ["strawberries"], "fruit", classes=["strawberry"]),
    _t("pineapple", "Pineapple", "菠萝", ["pineapples"], "fruit", classes=["pineapple"]),
    _t("lime", "Lime", "青柠", ["limes"], "fruit"),
    _t("grapefruit", "Grapefruit", "西柚", ["grapefruits", "red grapefruit"], "fruit"),
    _t("pear", "Pear", "梨", ["pears"], "fruit"),
    _t("peach", "Peach", "桃子", ["peaches", "nectarine", "nectarines"], "fruit"),
    _t("plum", "Plum", "李子", ["plums"], "fruit"),
    _t("mango", "Mango", "芒果", ["mangoes", "mangos"], "fruit"),
    _t("melon", "Melon", "甜瓜", ["melons", "watermelon", "cantaloupe"], "fruit"),
    _t("kiwi", "Kiwi", "猕猴桃", ["kiwis", "kiwifruit"], "fruit"),
    _t("papaya", "Papaya", "木瓜", ["papayas"], "fruit"),
    _t("passion fruit", "Passion fruit", "百香果", ["passion fruits", "passionfruit"],
       "fruit"),
    _t("pomegranate", "Pomegranate", "石榴", ["pomegranates"], "fruit",
       classes=["pomegranate"]),
    _t("avocado", "Avocado", "牛油果", ["avocados"], "fruit"),
    _t("vegetable", "Vegetable", "蔬菜", ["vegetables", "veggies"], "food",
       ["vegetable.n.01"]),
    _t("broccoli", "Broccoli", "西兰花", [], "vegetable", classes=["broccoli"]),
    _t("carrot", "Carrot", "胡萝卜", ["carrots"], "vegetable"),
    _t("tomato", "Tomato", "番茄", ["tomatoes"], "vegetable"),
    _t("potato", "Potato", "土豆", ["potatoes"], "vegetable"),
    _t("onion", "Onion", "洋葱", ["onions"], "vegetable"),
    _t("garlic", "Garlic", "大蒜", [], "vegetable"),
    _t("ginger", "Ginger", "姜", [], "vegetable"),
    _t("leek", "Leek", "韭葱", ["leeks"], "vegetable"),
    _t("pepper", "Pepper", "甜椒", ["peppers", "bell pepper", "capsicum"], "vegetable",
       classes=["bell pepper"]),
    _t("cucumber", "Cucumber", "黄瓜", ["cucumbers"], "vegetable", classes=["cucumber"]),
    _t("zucchini", "Zucchini", "西葫芦", ["courgette", "courgettes"], "vegetable",
       classes=["zucchini"]),
    _t("aubergine", "Aubergine", "茄子", ["aubergines", "eggplant", "eggplants"],
       "vegetable"),
    _t("cabbage", "Cabbage", "卷心菜", ["cabbages"], "vegetable", classes=["head cabbage"]),
    _t("asparagus", "Asparagus", "芦笋", [], "vegetable"),
    _t("beetroot", "Beetroot", "甜菜根", ["beet", "beets", "red beet"], "vegetable"),
    _t("packaged food", "Packaged food", "包装食品", ["groceries", "carton", "packaging"],
       "food", classes=["carton"]),
    _t("yoghurt", "Yoghurt", "酸奶", ["yogurt", "oatghurt", "soyghurt"], "packaged food"),
    _t("sour cream", "Sour cream", "酸奶油", ["creme fraiche"], "packaged food"),
    _t("mushroom", "Mushroom", "蘑菇", ["mushrooms", "fungus", "fungi"], None,
       ["fungus.n.01"], classes=["mushroom"]),
    _t("pizza", "Pizza", "披萨", ["pizzas"], "food", classes=["pizza"]),
    _t("hot dog", "Hot dog", "热狗", ["hot dogs", "hotdog", "hotdogs"], "food",
       classes=["hotdog"]),
    _t("hamburger", "Hamburger", "汉堡", ["hamburgers", "burger", "burgers", "cheeseburger"],
       "food", classes=["cheeseburger"]),
    _t("sandwich", "Sandwich", "三明治", ["sandwiches"], "food"),
    _t("bread", "Bread", "面包", ["bagel", "baguette", "pretzel"], "food",
       classes=["French loaf", "bagel", "pretzel"]),
    _t("cake", "Cake", "蛋糕", ["cakes"], "food"),
    _t("donut", "Donut", "甜甜圈", ["donuts", "doughnut", "doughnuts"], "food"),
    _t("dessert", "Dessert", "甜点", ["desserts", "ice cream", "sweets"], "food",
       classes=["ice cream", "trifle", "chocolate sauce", "ice lolly"]),
    _t("drink", "Drink", "饮料", ["drinks", "beverage", "beverages"], None,
       ["beverage.n.01"]),
    _t("coffee", "Coffee", "咖啡", ["espresso"], "drink", classes=["espresso"]),
    _t("wine", "Wine", "葡萄酒", ["red wine"], "drink", classes=["red wine"]),
    _t("beer", "Beer", "啤酒", ["beers"], "drink", classes=["beer bottle", "beer glass"]),
    _t("tea", "Tea", "茶", ["teapot"], "drink", classes=["teapot"]),
    _t("milk", "Milk", "牛奶", ["oat milk", "soy milk", "sour milk"], "drink"),
    _t("juice", "Juice", "果汁", ["juices", "orange juice"], "drink"),
    # --- vehicles -------------------------------------------------------------------------
    _t("vehicle", "Vehicle", "交通工具", ["vehicles", "transport"],
       synsets=["vehicle.n.01"]),
    _t("car", "Car", "汽车", ["cars", "automobile", "automobiles", "auto"], "vehicle",
       ["car.n.01"], classes=["police van", "recreational vehicle"]),
    _t("bus", "Bus", "公共汽车", ["buses", "coach", "coaches"], "vehicle",
       ["bus.n.01"], classes=["trolleybus"]),
    _t("truck", "Truck", "卡车", ["trucks", "lorry", "lorries"], "vehicle",
       ["truck.n.01"], classes=["moving van", "trailer truck", "fire engine"]),
    _t("motorcycle", "Motorcycle", "摩托车", ["motorcycles", "motorbike", "motorbikes",
       "scooter", "moped"], "vehicle", classes=["moped", "motor scooter"]),
    _t("bicycle", "Bicycle", "自行车", ["bicycles", "bike", "bikes", "cycle"], "vehicle",
       ["bicycle.n.01"], classes=["tricycle", "unicycle"]),
    _t("train", "Train", "火车", ["trains", "locomotive", "railway", "tram"], "vehicle",
       ["train.n.01", "locomotive.n.01"],
       classes=["passenger car", "freight car", "streetcar"]),
    _t("boat", "Boat", "船", ["boats", "ship", "ships"], "vehicle", ["vessel.n.02"]),
    _t("airplane", "Airplane", "飞机", ["airplanes", "aeroplane", "plane", "planes",
       "aircraft", "airliner"], "vehicle", ["heavier-than-air_craft.n.01"]),
    # --- plants ---------------------------------------------------------------------------
    _t("plant", "Plant", "植物", ["plants"], synsets=["plant.n.02"],
       classes=["pot", "greenhouse"]),
    _t("flower", "Flower", "花", ["flowers", "blossom", "blossoms"], "plant",
       ["flower.n.01"], classes=["daisy", "yellow lady's slipper", "rapeseed"]),
    _t("daisy", "Daisy", "雏菊", ["daisies"], "flower", classes=["daisy"]),
    _t("dandelion", "Dandelion", "蒲公英", ["dandelions"], "flower"),
    _t("rose", "Rose", "玫瑰", ["roses"], "flower"),
    _t("sunflower", "Sunflower", "向日葵", ["sunflowers"], "flower"),
    _t("tulip", "Tulip", "郁金香", ["tulips"], "flower"),
    _t("tree", "Tree", "树", ["trees"], "plant"),
    _t("forest", "Forest", "森林", ["forests", "woods", "woodland"], "tree"),
    _t("potted plant", "Potted plant", "盆栽", ["potted plants", "houseplant", "houseplants",
       "pot plant"], "plant", classes=["pot"]),
    # --- scenes ---------------------------------------------------------------------------
    _t("beach", "Beach", "海滩", ["beaches", "seashore", "shore"],
       classes=["seashore", "sandbar"]),
    _t("coast", "Coast", "海岸", ["coasts", "coastline", "cliffs"],
       classes=["seashore", "promontory", "cliff"]),
    _t("sea", "Sea", "海", ["seas", "ocean", "oceans", "seaside"],
       classes=["seashore", "sandbar", "promontory", "coral reef"]),
    _t("lake", "Lake", "湖", ["lakes", "lakeside"], classes=["lakeside"]),
    _t("mountain", "Mountain", "山", ["mountains", "hill", "hills"],
       classes=["alp", "volcano", "valley", "cliff"]),
    _t("volcano", "Volcano", "火山", ["volcanoes"], "mountain", classes=["volcano"]),
    _t("desert", "Desert", "沙漠", ["deserts", "dune", "dunes"]),
    _t("sunset", "Sunset", "日落", ["sunsets", "sunrise", "sunrises", "dusk"]),
    _t("snow", "Snow", "雪", ["snowy", "winter"],
       classes=["alp", "ski", "snowmobile", "snowplow", "dogsled", "bobsled", "ski mask"]),
    _t("glacier", "Glacier", "冰川", ["glaciers", "ice", "iceberg"], "snow"),
    _t("countryside", "Countryside", "乡村", ["open country", "fields", "farmland",
       "meadow"]),
    _t("underwater", "Underwater", "水下", ["diving", "under water"],
       classes=["coral reef", "scuba diver"]),
    _t("city", "City", "城市", ["cities", "urban", "inside city", "downtown"],
       classes=["traffic light", "street sign", "streetcar", "trolleybus", "cab",
                "parking meter", "police van", "triumphal arch"]),
    _t("street", "Street", "街道", ["streets", "road", "roads"], "city",
       classes=["traffic light", "street sign", "streetcar", "cab", "parking meter"]),
    _t("highway", "Highway", "公路", ["highways", "motorway", "freeway"]),
    _t("suburb", "Suburb", "郊区", ["suburbs", "suburban", "residential"]),
    _t("industrial", "Industrial", "工业区", ["industry", "factory", "factories"]),
    _t("building", "Building", "建筑", ["buildings", "architecture"], None,
       ["building.n.01"], classes=["triumphal arch", "bell cote", "dome", "castle",
                                   "palace", "monastery", "mosque", "church", "stupa"]),
    _t("house", "House", "房子", ["houses", "home"], "building",
       classes=["boathouse", "mobile home"]),
    _t("tall building", "Tall building", "高楼", ["tall buildings", "skyscraper",
       "skyscrapers", "high-rise"], "building"),
    _t("bridge", "Bridge", "桥", ["bridges"], synsets=["bridge.n.01"]),
    _t("outdoor", "Outdoor", "户外", ["outdoors", "outside", "exterior"]),
    _t("indoor", "Indoor", "室内", ["indoors", "inside", "interior"]),
    _t("kitchen", "Kitchen", "厨房", ["kitchens"], "indoor",
       classes=["dishwasher", "stove", "refrigerator", "microwave"]),
    _t("bedroom", "Bedroom", "卧室", ["bedrooms"], "indoor", classes=["four-poster", "quilt"]),
    _t("bathroom", "Bathroom", "浴室", ["bathrooms", "washroom"], "indoor",
       classes=["bathtub", "tub", "shower curtain", "toilet seat", "washbasin"]),
    _t("living room", "Living room", "客厅", ["living rooms", "lounge", "sitting room"],
       "indoor", classes=["studio couch", "home theater"]),
    _t("office", "Office", "办公室", ["offices", "workplace"], "indoor",
       classes=["desk", "desktop computer"]),
    _t("store", "Store", "商店", ["stores", "shop", "shops", "supermarket"], "indoor",
       classes=["grocery store", "bookshop", "shoe shop", "toyshop", "tobacco shop",
                "butcher shop", "bakery", "barbershop"]),
    _t("restaurant", "Restaurant", "餐厅", ["restaurants", "cafe"], "indoor",
       classes=["restaurant"]),
    # --- furniture and household ------------------------------------------------------------
    _t("furniture", "Furniture", "家具", [], synsets=["furniture.n.01"]),
    _t("chair", "Chair", "椅子", ["chairs"], "furniture", ["chair.n.01"]),
    _t("couch", "Couch", "沙发", ["couches", "sofa", "sofas"], "furniture",
       classes=["studio couch"]),
    _t("bed", "Bed", "床", ["beds"], "furniture", ["bed.n.01"], classes=["four-poster"]),
    _t("table", "Table", "桌子", ["tables", "dining table", "desk"], "furniture",
       classes=["dining table", "desk"]),
    _t("bench", "Bench", "长椅", ["benches", "park bench"], "furniture",
       classes=["park bench"]),
    _t("toilet", "Toilet", "马桶", ["toilets"], classes=["toilet seat"]),
    _t("sink", "Sink", "水槽", ["sinks", "washbasin"], classes=["washbasin"]),
    _t("refrigerator", "Refrigerator", "冰箱", ["refrigerators", "fridge", "fridges"],
       classes=["refrigerator"]),
    _t("microwave", "Microwave", "微波炉", ["microwaves", "microwave oven"],
       classes=["microwave"]),
    _t("oven", "Oven", "烤箱", ["ovens", "stove", "cooker"], classes=["stove"]),
    _t("toaster", "Toaster", "烤面包机", ["toasters"], classes=["toaster"]),
    _t("clock", "Clock", "时钟", ["clocks"], classes=["wall clock", "analog clock",
       "digital clock"]),
    _t("vase", "Vase", "花瓶", ["vases"], classes=["vase"]),
    _t("book", "Book", "书", ["books"], classes=["book jacket", "comic book", "bookcase",
       "bookshop", "library"]),
    _t("teddy bear", "Teddy bear", "泰迪熊", ["teddy bears", "teddy", "stuffed animal"],
       classes=["teddy"]),
    _t("hair dryer", "Hair dryer", "吹风机", ["hair drier", "hairdryer"],
       classes=["hand blower"]),
    _t("umbrella", "Umbrella", "伞", ["umbrellas"], classes=["umbrella"]),
    _t("backpack", "Backpack", "背包", ["backpacks", "rucksack"], classes=["backpack"]),
    _t("handbag", "Handbag", "手提包", ["handbags", "purse", "purses", "bag"],
       classes=["purse"]),
    _t("suitcase", "Suitcase", "行李箱", ["suitcases", "luggage"]),
    _t("tie", "Tie", "领带", ["ties", "necktie", "bow tie"], classes=["Windsor tie",
       "bow tie", "bolo tie"]),
    _t("scissors", "Scissors", "剪刀", []),
    _t("toothbrush", "Toothbrush", "牙刷", ["toothbrushes"]),
    # --- clothing ---------------------------------------------------------------------------
    _t("clothing", "Clothing", "服装", ["clothes", "garment", "outfit"],
       synsets=["clothing.n.01"]),
    _t("shirt", "Shirt", "衬衫", ["shirts", "t-shirt", "sweatshirt", "jersey"], "clothing",
       classes=["jersey", "sweatshirt"]),
    _t("dress", "Dress", "连衣裙", ["dresses", "gown", "skirt"], "clothing",
       classes=["gown", "overskirt", "hoopskirt", "miniskirt"]),
    _t("shoes", "Shoes", "鞋", ["shoe", "sneakers", "boots", "sandals"], "clothing",
       classes=["running shoe", "Loafer", "clog", "sandal", "cowboy boot"]),
    _t("hat", "Hat", "帽子", ["hats", "cap"], "clothing",
       classes=["cowboy hat", "sombrero", "bonnet"]),
    _t("glasses", "Glasses", "眼镜", ["sunglasses", "spectacles", "eyeglasses"],
       classes=["sunglass", "sunglasses"]),
    # --- music ------------------------------------------------------------------------------
    _t("musical instrument", "Musical instrument", "乐器", ["instrument", "instruments",
       "music"], synsets=["musical_instrument.n.01"]),
    _t("guitar", "Guitar", "吉他", ["guitars"], "musical instrument",
       classes=["acoustic guitar", "electric guitar"]),
    _t("piano", "Piano", "钢琴", ["pianos"], "musical instrument",
       classes=["grand piano", "upright"]),
    # --- tableware --------------------------------------------------------------------------
    _t("bottle", "Bottle", "瓶子", ["bottles"], synsets=["bottle.n.01"],
       classes=["water jug", "whiskey jug"]),
    _t("cup", "Cup", "杯子", ["cups", "mug", "mugs"], classes=["cup", "coffee mug"]),
    _t("wine glass", "Wine glass", "酒杯", ["wine glasses", "goblet"],
       classes=["goblet", "red wine"]),
    _t("bowl", "Bowl", "碗", ["bowls"], classes=["mixing bowl", "soup bowl"]),
    _t("spoon", "Spoon", "勺子", ["spoons"], classes=["wooden spoon", "ladle"]),
    _t("fork", "Fork", "叉子", ["forks"]),
    _t("knife", "Knife", "刀", ["knives"], classes=["cleaver"]),
    # --- electronics ------------------------------------------------------------------------
    _t("computer", "Computer", "电脑", ["computers", "pc"],
       classes=["desktop computer", "laptop", "notebook", "monitor"]),
    _t("laptop", "Laptop", "笔记本电脑", ["laptops", "notebook computer"], "computer",
       classes=["laptop", "notebook"]),
    _t("keyboard", "Keyboard", "键盘", ["keyboards"], classes=["computer keyboard",
       "typewriter keyboard"]),
    _t("computer mouse", "Computer mouse", "鼠标", ["mouse"], classes=["mouse"]),
    _t("tv", "TV", "电视", ["tvs", "television", "televisions", "tv monitor"],
       classes=["television", "screen", "monitor", "home theater"]),
    _t("phone", "Phone", "手机", ["phones", "cell phone", "cell phones", "mobile phone",
       "smartphone", "telephone"], classes=["cellular telephone", "dial telephone",
                                            "pay-phone", "iPod"]),
    _t("remote control", "Remote control", "遥控器", ["remote", "remotes"],
       classes=["remote control"]),
    _t("camera", "Camera", "相机", ["cameras"], classes=["reflex camera",
       "Polaroid camera", "lens cap"]),
    # --- street -----------------------------------------------------------------------------
    _t("traffic light", "Traffic light", "红绿灯", ["traffic lights", "traffic signal"],
       classes=["traffic light"]),
    _t("street sign", "Street sign", "路牌", ["street signs", "road sign", "stop sign"],
       classes=["street sign"]),
    _t("parking meter", "Parking meter", "停车计时器", ["parking meters"],
       classes=["parking meter"]),
    _t("fire hydrant", "Fire hydrant", "消防栓", ["hydrant"]),
    # --- sport ------------------------------------------------------------------------------
    _t("ball", "Ball", "球", ["balls", "sports ball", "football", "soccer ball",
       "basketball", "tennis ball"], classes=["soccer ball", "basketball", "tennis ball",
       "volleyball", "rugby ball", "golf ball", "baseball", "ping-pong ball", "croquet ball"]),
    _t("tennis racket", "Tennis racket", "网球拍", ["racket", "racquet", "tennis racquet"],
       classes=["racket"]),
    _t("ski", "Ski", "滑雪板", ["skis", "skiing"], classes=["ski"]),
    _t("skateboard", "Skateboard", "滑板", ["skateboards"]),
    _t("snowboard", "Snowboard", "单板滑雪板", ["snowboards", "snowboarding"]),
    _t("surfboard", "Surfboard", "冲浪板", ["surfboards", "surfing"]),
    _t("frisbee", "Frisbee", "飞盘", ["frisbees"]),
    _t("baseball bat", "Baseball bat", "棒球棒", ["baseball bats"]),
    _t("baseball glove", "Baseball glove", "棒球手套", ["baseball gloves", "mitt"]),
    _t("kite", "Kite", "风筝", ["kites"]),
    # --- documents --------------------------------------------------------------------------
    _t("screenshot", "Screenshot", "截图", ["screenshots", "web page", "website"],
       classes=["web site"]),
    _t("document", "Document", "文档", ["documents", "paper", "scan"],
       classes=["menu", "envelope", "crossword puzzle", "book jacket", "comic book"]),
    _t("receipt", "Receipt", "收据", ["receipts", "bill", "invoice"], "document"),
    _t("text", "Text", "文字", ["writing", "sign", "signs", "lettering"],
       classes=["menu", "crossword puzzle", "book jacket", "comic book", "street sign",
                "scoreboard", "web site"]),
]


def read_imagenet_classes(path: Path) -> list[tuple[str, str]]:
    """(wnid, name) for the 1000 classes in output order."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: int(r["index"]))
    return [(r["wnid"], r["name"]) for r in rows]


def class_to_tag_matrix(
    vocabulary: list[TagSpec], imagenet: list[tuple[str, str]], wordnet: WordNet
) -> np.ndarray:
    """Binary [1000, T]: which ImageNet classes add to which tag's probability."""
    by_name: dict[str, list[int]] = {}
    for i, (wnid, name) in enumerate(imagenet):
        by_name.setdefault(name, []).append(i)
        by_name.setdefault(wnid, []).append(i)
    ancestors = [wordnet.ancestors(wnid_to_offset(wnid)) for wnid, _ in imagenet]
    matrix = np.zeros((len(imagenet), len(vocabulary)), dtype=np.float32)
    for t, spec in enumerate(vocabulary):
        for synset in spec.synsets:
            offset = wordnet.offset(synset)
            for i, anc in enumerate(ancestors):
                if offset in anc:
                    matrix[i, t] = 1.0
        for cls in spec.classes:
            if cls not in by_name:
                raise KeyError(f"tag {spec.name!r}: no ImageNet class {cls!r}")
            matrix[by_name[cls], t] = 1.0
        for cls in spec.exclude:
            matrix[by_name[cls], t] = 0.0
    return matrix
