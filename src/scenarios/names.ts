/** Azure's naming rules for what the wizard creates: a bad name is refused with the rule and the fix. */

export function registryNameProblem(name: string): string | undefined {
	if (!/^[a-zA-Z0-9]{5,50}$/.test(name)) {
		return `"${name}" is not a valid registry name: use 5 to 50 letters and digits only (no hyphens or dots), e.g. crcontosoml01.`;
	}
	return undefined;
}

export function computeNameProblem(name: string): string | undefined {
	if (!/^[a-zA-Z][a-zA-Z0-9-]{1,15}$/.test(name) || name.endsWith('-')) {
		return `"${name}" is not a valid compute name: use 2 to 16 letters, digits and hyphens, starting with a letter and not ending with a hyphen, e.g. cpu-cluster.`;
	}
	return undefined;
}

export function identityNameProblem(name: string): string | undefined {
	if (!/^[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}$/.test(name)) {
		return `"${name}" is not a valid identity name: use 3 to 128 letters, digits, hyphens and underscores, starting with a letter or digit, e.g. id-ml-acr-pull.`;
	}
	return undefined;
}

export function nodeCountProblem(value: string, label: string): string | undefined {
	if (!/^\d{1,4}$/.test(value)) return `"${value}" is not a node count: type a whole number for ${label}, e.g. 0 or 4.`;
	return undefined;
}

/** repository[:tag] or repository@sha256:digest, as `docker pull` takes it (without the registry host). */
export function imageProblem(image: string): string | undefined {
	if (!/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})?$/.test(image)) {
		return `"${image}" is not an image reference: type repository[:tag] in lower case without the registry host, e.g. base/pytorch-train:2.3-cuda12.`;
	}
	return undefined;
}
