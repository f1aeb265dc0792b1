"""ResNet-50 in plain PyTorch, as ``torchvision.models.resnet50()`` builds it (ResNet v1.5).

The peer of benchmark 1 for torchinfo: torchvision's compiled operators do not load beside
the CPU build of torch used here, so the benchmark builds this module instead. It has
torchvision's layers in torchvision's order (the stride on the 3x3 convolution, a 1x1
convolution and BatchNorm as the shortcut where the shape changes): 25,557,032 parameters.
"""

from torch import nn


class Bottleneck(nn.Module):
    """1x1 down to ``planes``, 3x3 (strided), 1x1 up to ``4 * planes``, plus the shortcut."""

    def __init__(self, inplanes, planes, stride):
        super().__init__()
        outplanes = 4 * planes
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, outplanes, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(outplanes)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = None
        if stride != 1 or inplanes != outplanes:
            self.downsample = nn.Sequential(
                nn.Conv2d(inplanes, outplanes, 1, stride=stride, bias=False),
                nn.BatchNorm2d(outplanes))

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        shortcut = x if self.downsample is None else self.downsample(x)
        return self.relu(out + shortcut)


class ResNet50(nn.Module):
    """The stem, four stages of 3, 4, 6 and 3 bottlenecks, average pooling and the classifier."""

    def __init__(self, num_classes=1000):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        inplanes = 64
        for index, (planes, blocks, stride) in enumerate(
                ((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)), start=1):
            stage = []
            for block in range(blocks):
                stage.append(Bottleneck(inplanes, planes, stride if block == 0 else 1))
                inplanes = 4 * planes
            setattr(self, f"layer{index}", nn.Sequential(*stage))
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(inplanes, num_classes)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(self.avgpool(x).flatten(1))
