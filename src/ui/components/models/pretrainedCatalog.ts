import type { Architecture } from '../../../core/spec/runSpec.ts';

/** One set of public weights a user would start an architecture from. */
export interface PretrainedEntry {
  /** What it is, as its publisher names it. */
  title: string;
  /** Where it is published: a safetensors file the studio downloads, or a PyTorch .pth to convert first. */
  url: string;
  format: 'safetensors' | 'pth' | 'shipped';
  /** Whose tensor names the file uses: torchvision's, timm's (ResNets, MobileNetV2, EfficientNet-B0) or face-api's. */
  names: 'torchvision' | 'timm' | 'face-api';
  licence: string;
  /** ImageNet-1k top-1 as the publisher reports it (torchvision's model metadata; timm's results/results-imagenet.csv), when there is one. */
  top1?: number;
  /** What a user should know before picking it. */
  note?: string;
  /**
   * `name-only`: these hosts cannot be reached from where the studio is developed, so the URL
   * and licence were checked by name (torchvision 0.14's weight tables, the Hub's repository
   * names), never downloaded. `shipped`: the weights come with the studio and work offline.
   */
  checked: 'name-only' | 'shipped';
}

const TV_LICENCE = "BSD-3-Clause (torchvision's code licence; the weights were trained on ImageNet, whose terms allow non-commercial research)";
const hub = (repo: string) => `https://huggingface.co/${repo}/resolve/main/model.safetensors`;
const tvNote = "torchvision's own file is a .pth: save its state_dict as safetensors (safetensors.torch.save_file) and drop it here";
const timmNote = "timm's names (conv_stem, blocks.0.0.conv_dw): the same network as torchvision's, read as it is";

/**
 * The public ImageNet weights per architecture, best first: the Hugging Face Hub's timm
 * repositories of torchvision's weights where they exist (torchvision's names, safetensors:
 * the studio downloads them as they are), else torchvision's .pth. Checked by name only.
 */
export const pretrainedCatalog: Partial<Record<Architecture, PretrainedEntry[]>> = {
  resnet18: [{ title: 'timm/resnet18.tv_in1k (torchvision IMAGENET1K_V1)', url: hub('timm/resnet18.tv_in1k'), format: 'safetensors', names: 'torchvision', licence: TV_LICENCE, top1: 69.758, checked: 'name-only' }],
  resnet34: [{ title: 'timm/resnet34.tv_in1k (torchvision IMAGENET1K_V1)', url: hub('timm/resnet34.tv_in1k'), format: 'safetensors', names: 'torchvision', licence: TV_LICENCE, top1: 73.314, checked: 'name-only' }],
  resnet50: [
    { title: 'timm/resnet50.tv2_in1k (torchvision IMAGENET1K_V2)', url: hub('timm/resnet50.tv2_in1k'), format: 'safetensors', names: 'torchvision', licence: TV_LICENCE, top1: 80.858, checked: 'name-only' },
    { title: 'timm/resnet50.tv_in1k (torchvision IMAGENET1K_V1)', url: hub('timm/resnet50.tv_in1k'), format: 'safetensors', names: 'torchvision', licence: TV_LICENCE, top1: 76.13, checked: 'name-only' },
  ],
  mobilenetV2: [
    { title: 'timm/mobilenetv2_100.ra_in1k', url: hub('timm/mobilenetv2_100.ra_in1k'), format: 'safetensors', names: 'timm', licence: 'Apache-2.0', top1: 72.91, note: timmNote, checked: 'name-only' },
    { title: 'torchvision MobileNet_V2 IMAGENET1K_V2', url: 'https://download.pytorch.org/models/mobilenet_v2-7ebf99e0.pth', format: 'pth', names: 'torchvision', licence: TV_LICENCE, top1: 72.154, note: tvNote, checked: 'name-only' },
  ],
  mobilenetV3Small: [
    { title: 'torchvision MobileNet_V3_Small IMAGENET1K_V1', url: 'https://download.pytorch.org/models/mobilenet_v3_small-047dcff4.pth', format: 'pth', names: 'torchvision', licence: TV_LICENCE, top1: 67.668, note: tvNote, checked: 'name-only' },
  ],
  efficientnetB0: [
    { title: 'timm/efficientnet_b0.ra_in1k', url: hub('timm/efficientnet_b0.ra_in1k'), format: 'safetensors', names: 'timm', licence: 'Apache-2.0', top1: 77.698, note: timmNote, checked: 'name-only' },
    { title: 'torchvision EfficientNet_B0 IMAGENET1K_V1', url: 'https://download.pytorch.org/models/efficientnet_b0_rwightman-3dd342df.pth', format: 'pth', names: 'torchvision', licence: TV_LICENCE, top1: 77.692, note: tvNote, checked: 'name-only' },
  ],
  vgg16: [
    { title: 'torchvision VGG16 IMAGENET1K_V1', url: 'https://download.pytorch.org/models/vgg16-397923af.pth', format: 'pth', names: 'torchvision', licence: TV_LICENCE, top1: 71.592, note: `${tvNote}; 528 MB, most of it the classifier a new head replaces`, checked: 'name-only' },
  ],
  faceRecognitionNet: [
    {
      title: "face-api.js' face recognition model (dlib_face_recognition_resnet_model_v1)",
      url: '@vladmandic/face-api/model/face_recognition_model.bin',
      format: 'shipped',
      names: 'face-api',
      licence: "MIT package (@vladmandic/face-api); the weights are Davis King's dlib model, public domain",
      note: 'Ships with the studio (6.4 MB): no download, works offline. Trained on about 3 million faces of 7,485 people, none of them LFW\'s.',
      checked: 'shipped',
    },
  ],
  faceExpressionNet: [
    {
      title: "face-api.js' facial expression model (face_expression_model)",
      url: '@vladmandic/face-api/model/face_expression_model.bin',
      format: 'shipped',
      names: 'face-api',
      licence: 'MIT (@vladmandic/face-api and face-api.js, weights included)',
      note: "Ships with the studio (330 kB): no download, works offline. Trained by face-api.js on real faces for seven expressions; the studio keeps its feature extractor and trains a new head for your classes.",
      checked: 'shipped',
    },
  ],
};

/** Whether the Train form can start from the entry as it is (a safetensors file with names it reads, or the shipped model). */
export const usableAsIs = (e: PretrainedEntry): boolean => e.checked === 'shipped' || (e.format === 'safetensors' && (e.names === 'torchvision' || e.names === 'timm'));
