"""understand: plain-language messages -> answers (with their evidence and how they were read),
negation, short replies to the pending question, cleaning, and naming a framework or runtime.

Only readings that are clearly right are pinned here; the chat's coverage is measured on held-out
phrasings in test_chat.py."""

from __future__ import annotations

import pytest

from advisor.questions import load as load_questions
from advisor.understand import LIMIT, Understander, Understanding, clean, find_subject, load_phrasebook


@pytest.fixture(scope="module")
def u():
    return Understander(load_questions(), load_phrasebook())


def answers(u, text, pending=None):
    """What the chat takes from a message: the answers it states and those it only suggests."""
    r = u.understand(text, pending=pending)
    return {**r.assumed, **r.answers}


# ---------------------------------------------------------------- messages


@pytest.mark.parametrize("text, expected", [
    ("we are a startup shipping an Android app written in Kotlin",
     {"sector": "industry", "target": "mobile", "mobile_os": "android", "language": "kotlin"}),
    ("our backend is Java on AWS with NVIDIA GPUs",
     {"target": "server", "language": "java", "cloud": "aws", "hardware": "nvidia_gpu"}),
    ("a university lab doing speech recognition", {"sector": "academia", "task": "speech"}),
    ("we are beginners building a web app in TypeScript",
     {"target": "browser", "language": "javascript", "experience": "beginner"}),
    ("image classification on a Raspberry Pi", {"target": "embedded", "hardware": "arm", "task": "vision"}),
    ("an iOS app in Swift", {"target": "mobile", "mobile_os": "ios", "language": "swift"}),
    ("C++ on a Jetson", {"target": "embedded", "language": "cpp", "hardware": "nvidia_gpu"}),
    ("we use C# with .NET on Azure", {"language": "csharp", "cloud": "azure"}),
    ("large language models on a cluster", {"target": "server", "task": "llm"}),
    ("expert researchers", {"sector": "academia", "experience": "expert"}),
])
def test_a_message_gives_exactly_its_answers(u, text, expected):
    assert answers(u, text) == expected


def test_answers_come_in_question_order_with_evidence_and_how(u):
    got = u.understand("written in Kotlin, an Android app, we are a startup")
    assert list(got.answers) == ["sector", "target", "mobile_os", "language"]
    assert got.evidence["language"] == "kotlin" and got.evidence["sector"] == "startup"
    assert set(got.how.values()) == {"synonym"}


def test_language_names_with_symbols_are_words(u):
    assert u.understand("C++ only").evidence["language"] == "cplusplus"
    assert answers(u, "we write C")["language"] == "c"
    assert answers(u, "a .NET shop")["language"] == "csharp"


def test_nothing_in_an_empty_message(u):
    for text in ("", "   ", "\n"):
        got = u.understand(text, pending="target")
        assert got == Understanding()


# ---------------------------------------------------------------- negation


def test_a_negated_name_says_nothing(u):
    assert answers(u, "not on AWS") == {}
    assert answers(u, "we never use AWS") == {}
    assert answers(u, "we avoid NVIDIA") == {}


def test_negation_cancels_only_the_negated_option(u):
    assert answers(u, "instead of AWS we use Azure") == {"cloud": "azure"}
    assert answers(u, "no GPUs, only x86 CPUs") == {"hardware": "intel_cpu"}
    assert answers(u, "we are not on AWS, we use Google Cloud")["cloud"] == "gcp"


def test_saying_no_cloud_is_an_answer(u):
    assert answers(u, "no cloud") == {"cloud": "none"}
    assert answers(u, "not in the cloud") == {"cloud": "none"}


# ---------------------------------------------------------------- replies to the question just asked


@pytest.mark.parametrize("text, pending, expected", [
    # a reply that is an option's alias is the answer, whatever else it names
    ("on-prem. the aws account is just for the marketing website", "cloud", {"cloud": "none", "target": "server"}),
    ("3", "target", {"target": "embedded"}),  # the options' numbers count from 1
    ("1", "experience", {"experience": "beginner"}),
    ("2", "sector", {"sector": "industry"}),
    ("Servers or the cloud", "target", {"target": "server"}),  # an option's label
    ("go", "language", {"language": "go"}),  # an option id, too short to mean Go without the question
    ("GO.", "language", {"language": "go"}),
    ("mostly kotlin", "language", {"language": "kotlin"}),
])
def test_a_short_reply_answers_the_pending_question(u, text, pending, expected):
    assert answers(u, text, pending=pending) == expected


def test_a_numbered_reply_to_mobile_os_answers_only_that(u):
    """mobile_os is asked only when the target is mobile: the reply does not tell the target anew."""
    got = u.understand("2", pending="mobile_os")
    assert got.answers == {"mobile_os": "ios"} and got.assumed == {}
    assert got.how["mobile_os"] == "reply" and got.evidence["mobile_os"] == "2"
    assert u.understand("android", pending="mobile_os").answers == {"mobile_os": "android"}
    assert u.understand("an android app").answers == {"target": "mobile", "mobile_os": "android"}


@pytest.mark.parametrize("text, said, assumed", [
    ("our backend is written in Go", {"language": "go"}, {"target": "server"}),
    ("we have GPU boxes", {}, {"hardware": "nvidia_gpu", "target": "server"}),
    ("we have NVIDIA GPU boxes", {"hardware": "nvidia_gpu"}, {"target": "server"}),
    ("for our product", {}, {"sector": "industry"}),
    ("our research team", {}, {"sector": "academia"}),
    ("my laptop has an RTX 4070", {"hardware": "nvidia_gpu"}, {"target": "desktop"}),
    ("it runs on my laptop", {"target": "desktop"}, {}),  # said as where it runs: a statement
    ("I prototype on my laptop", {}, {}),  # a training clause says nothing of where the model runs
    # a board whose ARM core people seldom name, self-hosting, a college, some experience: assumed aloud
    ("on an Arduino Nano 33 BLE", {"target": "microcontroller"}, {"hardware": "arm"}),
    ("self-hosted llama on our h100s", {"target": "server", "hardware": "nvidia_gpu", "task": "llm"}, {"cloud": "none"}),
    ("an iOS app where nothing may leave the phone", {"target": "mobile", "mobile_os": "ios"}, {"cloud": "none"}),
    ("I teach at a community college", {}, {"sector": "academia"}),
    # "intermediate" from what someone did is a judgement; nobody being an expert denies the expert
    ("we've fine-tuned a few models before but nobody here is a real ML expert", {}, {"experience": "intermediate"}),
    ("I've trained a few models in Keras myself, but I'm not a software person", {}, {"experience": "intermediate"}),
    ("our team is intermediate", {"experience": "intermediate"}, {}),
    # what the message states wins over what its words suggest
    ("our backend is in Go but the model runs on the phone", {"language": "go", "target": "mobile"}, {}),
    ("a research project for my PhD", {"sector": "academia"}, {}),
    ("the model is served from our servers", {"target": "server"}, {}),
    # a language said as what a person knows is not what the project is written in
    ("not a programmer but i can follow tutorials in python", {}, {"language": "python", "experience": "beginner"}),
    # no programmer suggests no ML either, but does not say it
    ("I'm a cardiologist, not a programmer", {}, {"experience": "beginner"}),
    ("I know a bit of Python from a course", {}, {"language": "python"}),
    ("our app is in Kotlin and I know Python", {"language": "kotlin"}, {}),
    # an institution's own machines suggest no cloud; the cloud may still train
    ("it runs on the university's Slurm cluster", {"sector": "academia", "target": "server"}, {"cloud": "none"}),
])
def test_words_that_only_suggest_an_answer_are_assumptions(u, text, said, assumed):
    r = u.understand(text)
    assert r.answers == said and r.assumed == assumed
    assert all(r.how[q] == "hint" for q in r.assumed)


def test_a_tie_between_two_options_is_an_assumption_not_a_reading(u):
    r = u.understand("a web dashboard in TypeScript and an Android app in Kotlin, the same model in both")
    assert "language" not in r.answers and r.assumed["language"] == "kotlin" and r.how["language"] == "tie"
    assert set(r.named["language"]) == {"kotlin", "javascript"}
    # named by more different words, the option is read, not assumed
    r = u.understand("the model runs in our Node.js service written in TypeScript, the admin tool is Kotlin")
    assert r.answers["language"] == "javascript" and "language" not in r.assumed


def test_a_hint_is_the_answer_to_the_question_just_asked(u):
    r = u.understand("on our backend", pending="target")
    assert r.answers == {"target": "server"} and r.assumed == {}


def test_a_reply_needs_its_question(u):
    assert answers(u, "3") == {}
    assert answers(u, "go") == {}
    assert answers(u, "11", pending="target") == {}  # there are five targets
    assert answers(u, "0", pending="target") == {}
    assert answers(u, "hello", pending="target") == {}


def test_a_synonym_beats_the_pending_question(u):
    got = u.understand("on phones", pending="target")
    assert got.answers == {"target": "mobile"} and got.how == {"target": "synonym"}


# ---------------------------------------------------------------- commands


@pytest.mark.parametrize("text, expected", [
    ("undo", ("undo", {})),
    ("go back", ("undo", {})),
    ("skip", ("skip", {})),
    ("details", ("details", {})),
    ("why not core ml?", ("why_not", {"a": "core ml"})),
    ("what about tflite", ("why_not", {"a": "tflite"})),
    ("pytorch vs jax", ("compare", {"a": "pytorch", "b": "jax"})),
    ("we are a startup", None),
])
def test_commands(u, text, expected):
    assert u.command(text) == expected


# ---------------------------------------------------------------- clean


def test_clean_drops_control_and_format_characters_and_joins_lines():
    assert clean("a\x00b\x07c") == ("abc", False)
    assert clean("one\ntwo\r\nthree\tfour\u2028five") == ("one two three four five", False)
    assert clean("zero\u200bwidth\u202e") == ("zerowidth", False)  # format characters (Cf) go too
    assert clean("  many    blanks  ") == ("many blanks", False)
    assert clean("café, 日本, ü") == ("café, 日本, ü", False)


def test_clean_truncates_to_the_limit_without_a_trailing_blank():
    assert LIMIT == 2000
    assert clean("a" * 2000) == ("a" * 2000, False)
    assert clean("a" * 2001) == ("a" * 2000, True)
    assert clean("a" * 9 + " bc", limit=10) == ("a" * 9, True)
    assert clean("x\x00" * 3000, limit=2000) == ("x" * 2000, True)  # the limit counts what is kept
    assert clean("") == ("", False)


# ---------------------------------------------------------------- find_subject


class S:
    def __init__(self, id, name):
        self.id, self.name = id, name


@pytest.fixture(scope="module")
def subjects():
    return {s.id: s for s in (S("pytorch", "PyTorch"), S("tensorflow", "TensorFlow"), S("jax", "JAX"),
                              S("onnxruntime", "ONNX Runtime"), S("onnxruntime-web", "ONNX Runtime Web"),
                              S("coreml", "Core ML"))}


@pytest.mark.parametrize("text, sid", [
    ("pytorch", "pytorch"),
    ("PyTorch?", "pytorch"),
    ("the TensorFlow", "tensorflow"),
    ("Core ML", "coreml"),  # its name
    ("tf", "tensorflow"),  # another name (prompts/chat.yaml)
    ("flax", "jax"),
    ("ONNX Runtime Web", "onnxruntime-web"),
    ("ort", "onnxruntime"),
    ("using onnx runtime web in the page", "onnxruntime-web"),  # the longest name inside a phrase
    ("onnx runtime on the server", "onnxruntime"),
])
def test_find_subject(subjects, text, sid):
    assert find_subject(text, subjects, load_phrasebook()).id == sid


@pytest.mark.parametrize("text", ["", "  ?! ", "the", "caffe", "jaxon", "tflite"])
def test_find_subject_finds_nothing(subjects, text):
    # tflite is another name of a runtime that is not among these subjects
    assert find_subject(text, subjects, load_phrasebook()) is None


# ---------------------------------------------------------------- how people really write (issue 14)


@pytest.mark.parametrize("text, expected", [
    # typos: corrected to the phrasebook's words (rapidfuzz, one or two edits, same first letter)
    ("a rasberry pi in the greenhouse", {"target": "embedded", "hardware": "arm"}),
    ("an andriod app", {"target": "mobile", "mobile_os": "android"}),
    ("sentimnt of product reviews", {"task": "nlp"}),
    # "detection" is about what is detected
    ("toxicity detection on forum comments", {"task": "nlp"}),
    ("fraud detection on card transactions", {"task": "tabular"}),
    ("anomaly detection on vibration data", {"task": "other"}),
    ("defect detection on camera images", {"task": "vision"}),
    # the verb "react" is not React
    ("a Unity game where NPCs react to the player's voice", {"language": "csharp", "task": "speech"}),
    ("our frontend is React", {"language": "javascript"}),
    # sector words that do not say "industry" or "academia"
    ("small fintech here", {"sector": "industry"}),
    ("telco, on-prem", {"sector": "industry", "cloud": "none", "target": "server"}),
    ("it is a customer project", {"sector": "industry"}),
    ("for my master thesis", {"sector": "academia"}),
    ("a course project at college", {"sector": "academia"}),
    # two platforms in one message
    ("a mobile app (android+ios)", {"target": "mobile", "mobile_os": "both"}),
    # Apple desktop is not mobile
    ("a Mac app (SwiftUI)", {"target": "desktop", "language": "swift"}),
    # microcontrollers and LLMs
    ("keyword spotting on an STM32", {"target": "microcontroller", "hardware": "arm", "task": "speech"}),
    ("a RAG chatbot with a local LLM", {"task": "llm"}),
    ("serving BERT from our spring boot api", {"target": "server", "language": "java", "task": "nlp"}),
    # words that are not what they seem
    ("we ship a docker image with a named-entity recognition service", {"task": "nlp"}),
    ("transcribe phone calls in our own datacenter", {"task": "speech", "cloud": "none"}),
    ("a government agency with lots of edge cases in the emails", {"sector": "industry", "task": "nlp"}),
    ("I'm a senior embedded engineer, the model runs on a Cortex-M4", {"target": "microcontroller"}),
    ("need a swift answer: our Go backend should run a small BERT", {"language": "go", "task": "nlp"}),
    ("detecting rust on pipeline photos, the service is in Go", {"task": "vision", "language": "go"}),
    ("our team all have PhDs in ML, a medtech company", {"sector": "industry", "experience": "expert"}),
    ("the Amazon rainforest from satellite imagery, on Google Cloud", {"task": "vision", "cloud": "gcp"}),
    # a negation goes on over a list, also inside brackets
    ("a European provider (not AWS, GCP or Azure)", {"cloud": None}),
    # a third language that fits both apps is the answer
    ("our Android (Kotlin) and iOS (Swift) apps share one C++ core library for inference",
     {"target": "mobile", "mobile_os": "both", "language": "cpp"}),
    # an LLM or a generative model beside what it works on
    ("an llm-powered summariser for support tickets", {"task": "llm"}),
    ("generate short product videos from a photo", {"task": "generative"}),
    ("text to speech voices for audiobooks", {"task": "generative"}),
    # a framework says its language only until the language is named
    ("Spring Boot written in Kotlin", {"language": "kotlin"}),
    ("a Tauri app (Rust backend, Svelte UI)", {"language": "rust"}),
    ("a Tauri app", {"language": "rust"}),
    # where the model is said to run outranks a machine merely named
    ("dev box is a windows pc w/ rtx 3080, but the model runs on raspberry pi 5 units", {"target": "embedded", "hardware": "arm"}),
    ("the drone only records, analysis happens later on our on-prem GPU server", {"target": "server"}),
    # an option negated outright is out, wherever else it is named
    ("the speech-to-text does NOT run on the phone, it runs on the server. Phones just upload the audio",
     {"target": "server", "task": "speech"}),
    ("an iPhone app that transcribes memos offline, nothing goes to a server", {"target": "mobile", "mobile_os": "ios"}),
    ("routing support tickets for our chatbot backend. Not an LLM, a small BERT", {"task": "nlp"}),
    # a possibility counts only when nothing certain is said
    ("iphone only for now, android maybe next year", {"mobile_os": "ios"}),
    ("we might put it on phones later", {"target": "mobile"}),
    # a correction replaces what came before it; an answer negated after it is out
    ("We're on AWS - sorry, correction, we moved everything to Azure last quarter", {"cloud": "azure"}),
    ("It's for iOS - wait, no, Android first and only Android this year", {"mobile_os": "android"}),
    ("Android app for our drivers, iOS not needed", {"mobile_os": "android"}),
    # a sensor stream is not a table; a table of it is
    ("flag unusual HVAC sensor time series", {"task": "other"}),
    ("demand forecasting from time series in our sales tables", {"task": "tabular"}),
    ("procedurally generated pixel-art sprites, runs on the player's machine", {"task": "generative", "target": "desktop"}),
    ("Sorry, my last message said Android. It's actually an iPhone-only app", {"mobile_os": "ios"}),
    ("the Mac app first, in Swift, and later an iPhone version", {"target": "desktop"}),
    ("background blur for video calls in the browser", {"task": "vision", "target": "browser"}),
    ("the service that calls the model is written in Go; image moderation", {"task": "vision", "language": "go"}),
    ("farmers in Java and Sumatra, an Android app in Kotlin", {"language": "kotlin"}),
    ("our mobile clinics carry a laptop that screens X-rays offline", {"target": "desktop", "task": "vision"}),
    ("we haven't decided on hardware yet, could be CPU or GPU", {"hardware": "any"}),
    ("callers are Java services, but the serving code around the model is Python", {"language": "python"}),
    ("an iOS app in Swift and an Android app in Kotlin ship the same model", {"language": None}),
    ("no CS background and never did deep learning", {"experience": "beginner"}),  # its own negation
    ("flag SWIFT MT103 payment messages inside our Python scoring service", {"language": "python"}),
    ("fibre orientations from diffusion MRI volumes with a 3D CNN", {"task": "vision"}),
    ("the model ships in a Docker image that our Go API calls", {"language": "go", "task": None}),
    ("AMD MI300X boxes in our own colo", {"cloud": "none", "hardware": "amd_gpu"}),
    ("we planned to host on AWS but legal said no, so it's Azure only now", {"cloud": "azure"}),
    ("served on Azure, GPU type not decided yet", {"hardware": "any"}),
    # a hospital is neither a company nor a research group, and "IT department" is no academic one: nothing
    # is read from the words (the chat takes its stated default)
    ("a Qt desktop tool built by a hospital's IT department", {"sector": None}),
    ("we compute pi to trillions of digits as a hobby", {"task": None}),
    # a plan dropped or a thing of the past counts only when nothing current is said
    ("originally the model was going to run on a Raspberry Pi, but it was too slow, so every line now gets a Jetson Orin",
     {"hardware": "nvidia_gpu", "target": "embedded"}),
    ("we pitched an iPad app but the museum chose its Windows touch kiosks instead, so it's a desktop app now",
     {"target": "desktop"}),
    ("we first thought we'd rent GPUs on AWS but the numbers didn't work, so we bought workstations that sit in our office",
     {"cloud": "none"}),
    ("I sell handmade candles on Amazon and Etsy, it writes product descriptions, nothing in the cloud",
     {"cloud": "none", "task": "llm"}),
    ("must run fully client-side in Chrome and Edge", {"target": "browser"}),
    ("beginner piano students play into the tablet mic; our devs shipped a couple of TFLite models", {"experience": "intermediate"}),
    ("a wearable patch that records ECG and flags atrial fibrillation", {"task": "other"}),
    ("15 years of dissolved gas results for our power transformers, one row per oil sample", {"task": "tabular"}),
    ("Nobody is expert in AI, we are learning", {"experience": "beginner"}),
    ("customers have every kind of PC, so inference must run on whatever they have", {"hardware": "any"}),
    # an inflection is not a typo
    ("users upload a selfie and get a cartoon version generated", {"task": "generative"}),
    # C++17 is C++; b/c is not C
    ("C++17 firmware on an STM32H7", {"language": "cpp", "target": "microcontroller"}),
    ("svc in python b/c the team knows it", {"language": "python"}),
    # experience said in passing, both ways
    ("flower shop, predict weekly orders, zero AI experience", {"experience": "beginner", "task": "tabular"}),
    ("A few of us did the fast.ai course and trained some small image classifiers, so we're not complete beginners",
     {"experience": "intermediate", "sector": None}),
    ("I lead inference at a SaaS co, 10+ yrs in ML", {"experience": "expert"}),
    ("The team is 4 perception engineers with PhDs, so we're very comfortable with the internals", {"experience": "expert"}),
    ("We have one analyst who knows Excel very well but not programming and nothing of AI", {"experience": "beginner"}),
    # tasks told by their data, not named
    ("I'd like to predict which customers are about to stop ordering; our data is just spreadsheats of orders",
     {"task": "tabular"}),
    ("we want to spot atrial fibrillation in ECG recordings from wrist wearables", {"task": "other"}),
    ("training graph neural nets on molecule graphs to predict toxicity", {"task": "other"}),
    ("every incoming CV tagged with the skills it mentions", {"task": "nlp"}),
    ("we serve fine-tuned Qwen models with vLLM on H100s", {"task": "llm"}),
    ("an assistant that drafts first versions of contract clauses from our own templates", {"task": "llm"}),
    ("All customer phone calls are recorded and we want to convert them into text", {"task": "speech"}),
    ("2 million scanned pages of handwritten parish registers; we want to transcribe the text", {"task": "vision"}),
    # a word that is something else here
    ("Our company vision is to make claims painless: a model reads each email and routes it to the right team",
     {"task": "nlp"}),
    ("we have a problem with leaf rust in the plantation", {"language": None}),
    ("we roast and sell java and espresso blends online", {"language": None, "sector": "industry"}),
    ("it will be a service on our own servers next to the mail gateway", {"target": "server"}),
    ("The next generation of our hearing aid should suppress background noise on the Cortex-M55",
     {"task": "speech", "target": "microcontroller"}),
    ("arduino nano 33 ble sense, recognise 'magic wand' gestures from the accelerometer, arduino sketch so c++",
     {"task": "other"}),
    ("We are NOT looking for a chatbot, only the classification of chat conversations", {"task": "nlp"}),
    # said against once, said for more often
    ("Master's project: frog calls on a Nordic nRF5340 running Zephyr, in C. I've done ML in Python but never on MCUs.",
     {"target": "microcontroller"}),
    ("I work for the city council. Incoming emails of citizens get sorted to the right department. No cloud contracts.",
     {"task": "nlp", "cloud": "none"}),
    # the past, the wished-for and the corrected
    ("We did a sentiment model with BERT two years ago; now we want to transcribe the customer calls", {"task": "speech"}),
    ("menu-bar app for my M2 MacBook Air; would be nice if it also ran on my old Intel iMac, but that's not a must",
     {"hardware": "apple_silicon"}),
    ("A100 and MI250 nodes... actually scratch the MI250s, procurement cancelled them, so NVIDIA only",
     {"hardware": "nvidia_gpu"}),
    ("It runs on iPads... oh wait, sorry, the inspectors switched to Samsung Galaxy Tabs", {"mobile_os": "android"}),
    ("The HMI is Qt/C++, but the model will be called from the Rust side", {"language": "rust"}),
    ("First I thought iPhone app, but actually its better as a macOS app on my Mac Studio", {"target": "desktop"}),
    ("It should be a website for all the wards... no wait, keep it simple, a program on the pharmacy PC only",
     {"target": "desktop"}),
    ("credits on AWS — sorry, on Google Cloud", {"cloud": "gcp"}),
    # a list goes on denying
    ("Not looking for a chatbot or anything generative, just predict the next word on the keyboard", {"task": "nlp"}),
    # "that PC" points back at the industrial PC named outright
    ("The HMI is an industrial PC (Intel Atom) running our C# software; it has to run on that PC", {"target": "embedded"}),
    ("a web page that runs inside the browser on the school iPads", {"target": "browser"}),
    ("students paste a text and get the parts of speech tagged", {"task": "nlp"}),
    ("visitors' faces get turned into renaissance-style portraits live on a big screen", {"task": "generative"}),
    ("doctors want a short summary of long patient records before the consultation", {"task": "llm"}),
    ("Team is comfortable with PyTorch internals, no hand-holding needed", {"experience": "expert"}),
    # where it runs, said inside longer words; training said with "runs"; the past
    ("We're building an iPhone app: the phone only takes the picture and the actual model runs on our backend on AWS",
     {"target": "server"}),
    ("The box is an i.MX 8M Plus board running Yocto. Training runs on our on-prem DGX, no cloud.",
     {"target": "embedded", "hardware": "arm"}),
    ("our Android app must predict on the phone itself. Until now the team ran XGBoost models on servers only.",
     {"target": "mobile", "mobile_os": "android"}),
    ("mostly samsungs, a few iphones", {"mobile_os": "both"}),
    ("guests get their photo restyled as a comic or an oil painting right at the booth", {"task": "generative"}),
    ("I sell kitchen gadgets on Amazon and Etsy and want lifestyle photos generated", {"sector": "industry", "cloud": None}),
    ("I manage the desktop support team at an insurer; tickets should be routed to the right queue on our servers",
     {"target": "server"}),
    ("staff can only open Microsoft Edge, so it has to run in Edge", {"target": "browser"}),
    ("firmware guy here, we make kitchen ovens: a wake word on an stm32l4", {"sector": "industry", "task": "speech"}),
    ("the old Xeon boxes in our server room, no GPUs", {"cloud": "none", "hardware": "intel_cpu"}),
    # what is denied is the allowing, not the clients
    ("we are a law firm in Munich; the cloud is not allowed by our clients", {"sector": "industry", "cloud": "none"}),
    ("operators ask questions about the 900-page manual and get an answer with the page number", {"task": "llm"}),
    ("we'd like to move inference into the visitor's browser with WebAssembly", {"target": "browser"}),
    ("Dev laptops are a mix of M2 MacBooks and Windows ThinkPads, so there's no single hardware we can count on",
     {"hardware": "any"}),
    # speech made by the model is generative media; speech read aloud by a person is speech
    ("we want it to read the stories aloud in a warm custom voice synthesised on the iPhone itself", {"task": "generative"}),
    ("turns a short hummed idea into a full drum loop, generated locally", {"task": "generative"}),
    ("kids read a sentence aloud and we score their pronunciation", {"task": "speech"}),
    ("Deploy on Alibaba Cloud ECS servers, the team is Java", {"cloud": None, "target": "server"}),
    ("We are not experts of neural networks, we are electronic engineers", {"experience": "beginner"}),
    ("I know my way around PyTorch but I'm no expert", {"experience": "intermediate"}),
    ("It would run on a PC with an RTX 3090 - correction, the club just bought them a MacBook Pro with M3 Max",
     {"hardware": "apple_silicon"}),
    ("we cant send audio outside the hospital network, nothing may go to any cloud", {"cloud": "none"}),
    ("Cloud is no option, the factory hall has no internet", {"cloud": "none"}),
    # the organisation says the sector; the team's degrees do not
    ("our startup builds delivery robots; most of the team did phds in robotics", {"sector": "industry"}),
    # a correction speaks to its own sentence; the old answer said again after it is dismissed
    ("all our services are in go, running on gke. sorry, not gke, we moved to eks on aws. tried whisper in a python sidecar",
     {"cloud": "aws", "language": "go"}),
    ("served from our servers, in Java. Ah no, sorry, the scoring service is in Python, Java is only the core banking",
     {"language": "python"}),
    ("Backend is C# so it must be .NET... oh wait, correction: the worker will be Python, only the ticket portal is .NET",
     {"language": "python"}),
    ("we have credits on AWS - sorry, on Google Cloud, the AWS ones are expired", {"cloud": "gcp"}),
    ("inside our Node backend - sorry, not Node anymore, we moved that service to Go", {"language": "go"}),
    ("The orchestration is in Go but the service that runs the model will be in Python", {"language": "python"}),
    # words that are something else here
    ("count visitors with little camera sensors above the doors; no images stored, just counts", {"task": "vision"}),
    ("a sensor on each gearbox that listens to the vibration", {"task": "other"}),
    ("a small e-commerce company that sells custom phone cases, already on AWS", {"target": None}),
    ("it has to work on the laptop in the logging truck", {"target": "desktop"}),
    ("the typed complaint emails tenants send us, sort them by topic", {"target": None, "task": "nlp"}),
    ("on-device detection of frog calls, Cortex-M4F, firmware in C", {"target": "microcontroller"}),
    ("a small robot that must understand simple vocal commands in french", {"task": "speech"}),
    ("tfjs or onnxruntime-web for in-browser sentiment analysis?", {"language": "javascript", "target": "browser"}),
    ("a tool that takes our plan and generates a painted-style picture of the garden", {"task": "generative"}),
    ("scores applications from their form fields: age, sum insured, about 30 fields", {"task": "tabular"}),
    ("take a photo of a painting and get the informations directly in the navigator", {"target": "browser"}),
    # denying that data moves is not denying the data
    ("sort requests in the citizen's browser: our officer does not allow that the texts go to our server",
     {"task": "nlp", "target": "browser"}),
    ("It runs on their workstations with NVIDIA RTX cards — sorry, they're plain Dell boxes with Intel CPUs",
     {"hardware": "intel_cpu"}),
    ("I run the platform team at a mobile operator; a backend service on our OpenShift cluster", {"target": "server"}),
    ("leaks from vibration sensors, on the sensor nodes themselves: STM32L4 chips", {"target": "microcontroller"}),
    ("we're a reinsurer, this is for the underwriting unit", {"sector": "industry"}),
    ("were an online optician and want a virtual try-on in the browser", {"sector": "industry"}),
    ("phd student here, comfortable w/ pytorch", {"experience": "intermediate"}),
    ("the inference core would be Rust compiled to WebAssembly, the UI around it stays TypeScript", {"language": "rust"}),
    ("jetson orin nano on a tractor spotting weeds, python", {"task": "vision"}),
    ("users sketch a doodle and get a stylized painting back, in the browser", {"task": "generative"}),
    ("a note-taking app where you can chat with your own notes", {"task": "llm"}),
    ("Our data team is strong on SQL, weak on ML", {"experience": "beginner"}),
    ("a browser game where the AI opponent is a small policy net trained w/ reinforcement learning, runs in JS",
     {"target": "browser", "task": "other"}),
    # a place that points back at one named outright; where it runs now, and where it is to move
    ("gesture recognition on an Arduino Nano 33 BLE Sense; inference has to happen on the board, in C++",
     {"target": "microcontroller"}),
    ("The model runs on our own server right now, but we'd like to move inference into the visitor's browser",
     {"target": "browser"}),
    ("the final model gives predictions to collaborators by REST API on the same machines", {"target": "server"}),
    ("a program on my laptop that looks at photos of old fuse boards", {"target": "desktop"}),
    ("a service that generates texture variations (stone, moss, rust, cracked paint), pipeline in Python",
     {"language": "python"}),
    # an assistant's brand is often the tool or the comparison, not the task
    ("The boss says 'AI like ChatGPT' but I think it is normal prediction from our tables of process parameters",
     {"task": "tabular"}),
    ("12 features per charge cycle, one small table row per cycle. I asked Claude and it suggested a tiny MLP",
     {"task": "tabular"}),
    ("a local ChatGPT for our docs", {"task": "llm"}),
    ("an iOS app for our claim experts that estimates the risk score of a claim", {"experience": None}),
    ("segments liver lesions on CT slices; no cloud, GenAI hype notwithstanding", {"task": "vision"}),
    ("servers with AMD Instinct MI210 — sorry, correction, the MI210 are for other project, for us 4x NVIDIA L40S",
     {"hardware": "nvidia_gpu"}),
    ("a Windows tool that drafts the shift-handover summary from their notes", {"task": "llm"}),
    ("a model that predicts approval odds from ~15 user inputs", {"task": "tabular"}),
    ("bee counter at the hive entrance on a stm32h7", {"task": "vision"}),
    ("gestures of the child's hand from the acceleration sensor in a wristband", {"task": "other"}),
    ("For our architecture faculty's design studio course; I'm a postdoc", {"sector": "academia"}),
    ("I am not expert, I know only Excel and a little of VBA", {"experience": "beginner"}),
    ("drivers type questons about delivery rules and get answers", {"task": "llm"}),
    # for a client: their own servers, what the client makes
    ("claims triage on their tabular policy data, served from their own servers inside a Java backend",
     {"cloud": "none", "language": "java"}),
    ("our client makes smart intercoms; speaker verification on the door unit", {"sector": "industry"}),
    ("I'm the IT guy at a mobile crane rental firm: a model on the industrial PC at each depot", {"target": "embedded"}),
    ("Client: dental lab that makes crowns. Windows desktop app, tooth scan segmentation", {"sector": None}),
    ("an affordability score computed in the browser from the form the customer fills in", {"task": "tabular"}),
    ("It would run on Azure. Our backend is all Go.", {"language": "go"}),
    ("It must run in their datacenter, not in a public cloud", {"cloud": "none"}),
    ("score the pronunciation of the students in the browser, without sending audio to a server", {"task": "speech"}),
    ("a keyword spotter on the ESP32-S3 inside, plain C. Not Arduino, not MicroPython", {"target": "microcontroller"}),
    ("I trained a 1D CNN on my own workstation with an RTX 4090; now it must run on the observatory's Xeon server",
     {"hardware": "intel_cpu"}),
    ("Our online furniture shop wants a 'find similar sofa' feature", {"sector": "industry"}),
    ("swfit, its an ipad app", {"language": "swift"}),
    ("Insurer: claim-email classifier as an Azure service, .NET.", {"task": "nlp"}),
    ("every batch gives one row: 30 process settings plus the lab result", {"task": "tabular"}),
    ("customers type what they need, like 'kids skis for 3 days', and it maps that to product categories",
     {"task": "nlp"}),
    ("a chrome extension that warns you when a comment you're about to post sounds toxic", {"task": "nlp"}),
    ("We want predict from few features (hour, weekday, setpoint, how many times door opened)", {"experience": None}),
    ("a wake word detector on an STM32L4 for our smart lamp", {"sector": "industry"}),
    ("the inputs are about twenty numeric and categorical fields", {"task": "tabular"}),
    ("The model itself runs in Python; Rust microservices handle auth and queuing around it", {"language": "python"}),
    ("I've only dabbled in ML", {"experience": "beginner"}),
    ("we can't send unreleased art to any cloud service", {"cloud": "none"}),
    ("We have not experience in neural networks", {"experience": "beginner"}),
    ("Our team is having 8+ years experience in data science and deep learning", {"experience": "expert"}),
    ("Teaching of the model will be in Google Cloud, but the prediction must happen in the shop PC", {"sector": None}),
    ("No: the internal RAG assistant for our law firm will be served from our own rack", {"task": "llm"}),
    ("Our product is desktop publishing software, but it's all web SaaS on AWS", {"target": "server"}),
    ("We build smart speakers. The speech recognition and the LLM are another team's problem; I own the TTS model",
     {"task": "generative"}),
    ("running on a Raspberry Pi Zero. No wait, we dropped the Pi for battery reasons, it's an ESP32-S3 now",
     {"target": "microcontroller", "hardware": None}),
    ("I am a student at the TU Munich and for my bachelor thesis I sort SMS into categories (spam, bank, private)",
     {"sector": "academia"}),
    ("We're building lawn mowers. Most of us are robotics PhDs who left academia for this startup",
     {"sector": "industry"}),
    ("predictive maintenance running on a Raspberry Pi 4 in each control cabinet. Training happens on our on-prem "
     "server, not the Pi.", {"target": "embedded", "hardware": "arm"}),
    ("The team has done a lot of classical ML on transaction data but nothing with LLMs yet. We want an assistant "
     "inside our Android app that answers questions about the customer's own transactions", {"task": "llm"}),
    ("Our Flutter app for Android and iOS should score pronunciation; the model would run in a shared C++ plugin",
     {"target": "mobile", "mobile_os": "both", "language": "cpp"}),
    ("team knows embeded very well but ml not at all", {"experience": "beginner"}),
    ("two people with masters degrees in speech processing, so they really know their stuff", {"experience": "expert"}),
    ("i did one ml course years ago", {"experience": "beginner"}),
    ("The control code is C++, sorry, correction: the behaviour layer that would call the TTS is Python (rclpy), "
     "the C++ is only the motor drivers.", {"language": "python"}),
    ("Code on the gateway is Go and we really dont want a Python runtime on it", {"language": "go"}),
    ("hi, we run a second-hand bookshop online", {"sector": "industry"}),
    ("want the light to react when the rider says 'brighter' or 'dimmer', on an stm32l4", {"task": "speech"}),
    ("a photo-booth app. Android first, sorry, no: iPhone and iPad only, our customers are all on iOS",
     {"mobile_os": "ios"}),
    ("Priya wanted to fine-tune on her gaming PC; Tomasz said no, we serve it from Azure on A100s", {"target": "server"}),
    ("station software is C++. Sorry, correction: station software is Python now, C++ was the old system.",
     {"language": "python"}),
    ("the service is go, python only for offline scripts", {"language": "go"}),
    ("we're two students; the firmware is c plus plus", {"language": "cpp"}),
    ("a volunteer with a mobile eye clinic; on the laptop in the van", {"target": "desktop"}),
    ("900 hours of recorded phone interviews to transcribe on the university's own gpu cluster", {"target": "server"}),
    ("The drones only capture the pictures; all inference happens on AWS after upload", {"target": "server"}),
    ("a tool on my own laptop; I can't use any cloud because of the ethics board", {"target": "desktop"}),
    ("categorise bank transactions (amount, merchant category code, weekday) in a hobby web app", {"sector": None}),
    ("Customers have normal Windows PCs with Intel or AMD processors", {"hardware": "intel_cpu"}),
    ("a small llm on the user's own laptop; hardware is whatever people have", {"hardware": "any"}),
    ("Keystroke-rhythm anomaly check on our bank's login page, in-browser", {"task": "other"}),
    ("the ia transforms it in a colored illustration, in the browser", {"task": "generative"}),
    ("we are e-learning company; student questions never go to a server", {"sector": "industry"}),
    # session 7 (sets ac and ad): corrections speak to their own clause; other people's stacks; vocabulary
    ("RAG chatbot in-browser on WebGPU. The glue is Rust, wait no, the glue is TypeScript, Rust is only used for the tokenizer",
     {"task": "llm", "language": "javascript"}),
    ("we classify detector events on FPGA... no, sorry, on an STM32H7 which sits near the detector",
     {"target": "microcontroller"}),
    ("The robotics team next door runs ROS on Jetsons, that's not us. Our model sits behind an endpoint on Xeon boxes",
     {"target": "server", "hardware": "intel_cpu"}),
    ("At my last job I built a classifier that ran on a Jetson. Now we want an assistant hosted on Azure",
     {"target": "server"}),
    ("my colleague wants to fine-tune something on his laptop, but it will be hosted on Azure", {"cloud": "azure"}),
    ("neither of us has shipped ML before", {"experience": "beginner"}),
    ("there is also an Android companion app in Kotlin, but that one does no ML at all", {"experience": None}),
    ("our users have NVIDIA cards, AMD cards, Apple M-series, so we can't assume anything", {"hardware": "any"}),
    ("some have NVIDIA cards, many don't, so we can't count on any particular GPU", {"hardware": "any"}),
    ("we want to make natural Japanese voice from the text, on the iPhone", {"task": "generative"}),
    ("a model generates abstract painting from their silhouettes", {"task": "generative"}),
    ("Our PI read about transformers and wants deep learning", {"hardware": None, "target": None}),
    ("on the Pi 4 in the greenhouse", {"hardware": "arm"}),
    ("we did many models before and are very familiar with deep learning", {"experience": "expert"}),
    ("Everything runs on GCP: training on A100 spot instances, inference on a GKE cluster", {"hardware": None}),
    ("on usual office notebooks with Intel processors", {"hardware": "intel_cpu"}),
    ("Were an NGO (no business, no uni) with a Raspberry Pi at each clinic", {"target": "embedded", "hardware": "arm"}),
    ("my arduino nano 33 ble should recognise when my dog barks", {"target": "microcontroller", "task": "speech"}),
    ("ECG arrhythmia flagging on an Arduino Nano 33, C++ sketch", {"task": "other"}),
    ("I am engineer at a camera maker. The camera has an ARM Cortex-A processor with Linux. Please teach me",
     {"sector": "industry", "target": "embedded"}),
    ("an app for coffee farmers in Java island to scan the cherries and tell if ripe; the app is in Kotlin",
     {"language": "kotlin", "task": "vision"}),
    ("microfinance co, android only", {"sector": "industry"}),
    ("Turbine OEM, analytics team", {"sector": "industry"}),
    ("we publish bedtime-story apps for kids", {"experience": None}),
    ("We are no beginners, we publish in this area", {"experience": "expert"}),
    ("We did not make any AI project before, this is the first one", {"experience": "beginner"}),
    ("I know Python well, but neural networks only a little", {"experience": "beginner"}),
    ("a collar measuring the movement and the temperature of the cow", {"task": "other"}),
    ("visitors get a desktop wallpaper image, generated client-side in the browser", {"task": "generative"}),
    ("turn a rough sketch plus a few words ('baroque garden, fog') into mood images", {"task": "generative"}),
    ("an app on my M3 MacBook; I've done a bit of iOS development", {"target": "desktop"}),
    ("score applicants from their mobile money history; the scoring API runs on AWS", {"target": "server"}),
    ("monitoring units clipped onto transformer cables sample discharge pulses", {"task": None}),  # not NLP
    ("we looked at Gemini Nano but want our own small LLM in our Android app", {"target": "mobile"}),
    ("The app is C++, wait, sorry: the legacy part is C++, the new client where this would live is C#.",
     {"language": "csharp"}),
    ("it runs on android, err, I meant iOS", {"mobile_os": "ios"}),
    ("we use GCP, or rather Azure since last month", {"cloud": "azure"}),
    ("A journaling app for iPhone in Swift. Also: Android is NOT in scope for now", {"mobile_os": "ios"}),
    ("Right now scoring happens on a Node server, but we want to move the little MLP into the browser",
     {"target": "browser"}),
    ("4x AMD Instinct MI210 on our own rack, so anything CUDA-only is out", {"hardware": "amd_gpu"}),
    ("we're a uni spin-off but incorporated last year, so a company I guess", {"sector": "industry"}),
    # session 7, set ae (after its one measurement)
    ("I've shipped a couple of models but wouldn't call myself an expert", {"experience": "intermediate"}),
    ("the team know embedded very well but machine learning no", {"experience": "beginner"}),
    ("Our Android version is built by a separate agency in Kotlin, so ignore them. This is the iOS app, all Swift",
     {"mobile_os": "ios", "language": "swift"}),
    ("A vendor pitched us a big chatbot platform, which we do not want. We want a small classifier that routes petitions",
     {"task": "nlp"}),
    ("summarize a user's week and answer questions about the journal, on the iPhone", {"task": "llm"}),
    ("i've shipped a couple of models at my old job but wouldnt call myself an expert", {"experience": "intermediate"}),
    ("We'd like AI-generated illustrations for our articles, made automatically", {"task": "generative"}),

    # session 8, set af (after its one measurement): media that is made, not analysed
    ("short voice lines for each NPC - generated at runtime from the script in every character's voice",
     {"task": "generative"}),
    ("the kid scribbles a dragon and it comes back as a watercolour-style picture", {"task": "generative"}),
    ("guests photograph their hallway and we show it re-styled with our wallpaper", {"task": "generative"}),
    ("whistle-to-music toy that outputs a guitar riff, in the browser", {"task": "generative"}),
    ("ambient soundscapes for the lobby, made from a short text prompt", {"task": "generative"}),
    ("a wall screen shows abstract scenes generated live as people walk by", {"task": "generative"}),
    ("it fills in the background where I erased the cables", {"task": "generative"}),
    ("microscope images generated by the scanner every night, we want to flag dead cells", {"task": "vision"}),
    ("the shopkeepers in our RPG answer whatever the player types with generated dialogue", {"task": "llm"}),
    # a place said in other words just after names the same place
    ("the inference has to happen on the pump controller itself, a Cortex-M4 with 256 KB", {"target": "microcontroller"}),
    ("farmers photograph soybean leaves to tell the disease (rust, frogeye, blight), Android app", {"language": None}),
    ("the pumps always fail in the middle of August; none of us has done any AI", {"experience": "beginner"}),
    ("the intercom should notice when someone is screaming in the lift", {"task": "speech"}),
    ("the billing service around the model has to be Go, that's the rule", {"language": "go"}),
    ("we've built two TF.js demos, that's it", {"experience": "beginner"}),
])
def test_real_messages(u, text, expected):
    got = answers(u, text)
    assert {k: got.get(k) for k in expected} == expected, got


def test_a_shop_named_for_its_stack_only_suggests_a_business(u):
    r = u.understand("We are a Go shop at the county tax office")
    assert "sector" not in r.answers and r.assumed.get("sector") == "industry"
    assert u.understand("We are a small coffee shop in Leeds").answers.get("sector") == "industry"


def test_deep_learning_alone_says_nothing_of_experience(u):
    assert "experience" not in answers(u, "Which deep learning framework should I use?")
    assert answers(u, "Total noob question: I want to learn deep learning")["experience"] == "beginner"


def test_training_is_not_deployment(u):
    got = answers(u, "we will train on TPUs on Google Cloud but the model runs on phones")
    assert got["target"] == "mobile" and got["cloud"] == "gcp"
    got = answers(u, "training happens on our H100 cluster, but inference is on a Raspberry Pi")
    assert got["target"] == "embedded" and got["hardware"] == "arm"
    got = answers(u, "data scientists prototype in Python notebooks, production is a Java service")
    assert got["language"] == "java"


def test_a_free_message_is_read_by_its_words_not_its_nearest_example(u):
    # "zero AI experience" is nearest to the example "we have some experience"
    r = u.understand("zero AI experience")
    assert r.answers.get("experience") == "beginner" and r.how["experience"] == "synonym"
    assert "experience" not in u.understand("we like to know automatic when a client is angry").answers
    # a short reply to the question just asked still goes by its nearest example
    r = u.understand("depends on our budget honestly", pending="hardware")
    assert r.answers["hardware"] == "any" and r.how["hardware"] == "reply"


def test_a_reply_names_its_answer_first(u):
    assert u.understand("both, tho most of our users are on iphone", pending="mobile_os").answers["mobile_os"] == "both"
    r = u.understand("android. no wait, both — the sales team uses iphones", pending="mobile_os")
    assert r.answers["mobile_os"] == "both"


def test_an_answer_said_only_as_past_or_possibility_is_assumed_not_stated(u):
    r = u.understand("I know a bit of programming (did some javascript once) but zero about AI")
    assert "language" not in r.answers and r.assumed.get("language") == "javascript"
    r = u.understand("iPhone only for now, maybe Android next year")
    assert r.answers["mobile_os"] == "ios"


def test_what_a_denied_thing_comes_with_is_denied_too(u):
    got = answers(u, "keyword spotting on the MCU. NOT a voice assistant with an LLM behind it, just 6 fixed commands")
    assert got["target"] == "microcontroller" and got.get("task") != "llm"


def test_one_model_in_two_places_is_placed_by_assumption(u):
    r = u.understand("we need one credit-limit model in two places: our Node.js backend on AWS and the customer's browser")
    assert r.answers == {"cloud": "aws", "language": "javascript"}
    assert r.assumed["target"] == "browser" and r.how["target"] == "tie"


def test_two_languages_for_two_platforms_are_not_one_answer(u):
    r = u.understand("The Android app is in Kotlin and we have an iOS app in Swift")
    assert r.answers["mobile_os"] == "both" and "language" not in r.answers
    assert r.named["language"] == ("kotlin", "swift")


def test_the_phrasebook_says_each_phrase_once():
    """A phrase listed twice, or for two options of one question, is a slip that makes ties out of nothing."""
    import collections

    import yaml

    from advisor.paths import packaged_dir

    data = yaml.safe_load((packaged_dir("prompts") / "chat.yaml").read_text(encoding="utf-8"))
    slips = []
    for section in ("synonyms", "hints"):
        for qid, options in data[section].items():
            where = collections.defaultdict(list)
            for oid, phrases in options.items():
                for phrase in phrases:
                    where[phrase].append(oid)
            slips += [(section, qid, phrase, oids) for phrase, oids in where.items() if len(oids) > 1]
    slips += [("spelling", w) for w, n in collections.Counter(data["spelling"]).items() if n > 1]
    assert not slips


def test_a_misspelling_is_not_made_from_an_ordinary_word(u):
    assert "sector" not in answers(u, "an industrial PC with an x86 processor")  # not "professor"
    assert "target" not in answers(u, "our sellers upload photos")  # not "servers"
    assert answers(u, "an app for andriod phones")["mobile_os"] == "android"  # a misspelling still is
    assert "sector" not in answers(u, "throughput matters a lot")  # not "masters"
    assert answers(u, "closed-eye shots").get("task") != "speech"  # not "shouts"
