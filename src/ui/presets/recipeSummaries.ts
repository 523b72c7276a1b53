/**
 * What each recipe does and why, in a plain sentence or two for someone who has not met
 * the terms yet; the recipe's `description` keeps the practitioner's details (loss,
 * margins, schedule). Keyed by seedPresets' id; recipeSummaries.test.ts holds every recipe to
 * having one.
 */
export const recipeSummaries: Readonly<Record<string, string>> = {
  shapes:
    'Teaches a small network to tell circles, squares and triangles apart in about a minute: the quickest way to watch a model learn, then see in Evaluate which pictures it still gets wrong.',
  '000-arcface':
    'Learns to turn a face into a list of numbers, a fingerprint, so that two photos of the same person come out close together and photos of different people far apart. It starts from a face network already trained on real faces (shipped with the studio, no download) and is tested on people it never saw, which is how face verification (unlocking a phone, say) works.',
  '001-tracker':
    'Learns two things at once from the same picture: where the face is, as a box, and whether it is a face at all or some other object. One network with two outputs is how a simple tracker starts.',
  '002-transfer':
    'Trains a compact network, light enough for a phone, to sort pictures into classes, as you would for your own photos. It stops by itself once it no longer improves on pictures held back from training, so it does not just memorise the ones it trains on.',
  '002-transfer-resnet18':
    'The same classifier built on a different network (ResNet-18). Train both, then lay their curves over each other in Runs to see which suits the data better.',
  '003-cdml':
    'Another way to learn face fingerprints, from the same pretrained face network, with a training signal that grows stricter about keeping different people apart as the model improves. It is judged by how often it mistakes one person for another.',
  '004-expression':
    'Recognises seven facial expressions, starting from a small network already trained on real faces (shipped with the studio) and trained with two habits that keep it from being overconfident: blending pairs of training pictures and softening its targets. Evaluate then checks whether its confidence can be trusted.',
};
